"""The one handler contract (counterhall.registry): one assessment per save, preview, submit
and resubmit; ``apply`` changes master data only through audited services and never the
Case row; one form base for every type."""

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benefits import assessments
from contributions import handlers as contribution_handlers
from counterhall import registry, services
from counterhall.exceptions import TransitionNotPossible
from counterhall.forms import BusinessForm, EmployerSubjectMixin, PersonSubjectMixin
from counterhall.models import AuditEntry, CaseState
from registration import handlers as registration_handlers
from registration.models import Employer, InsuredPerson
from review import services as review_services
from tests import casework, factories
from tests import masterdata as md
from tests.benefits import builders
from tests.registration.test_handlers import REG01_DATA

CASE_UPDATE = re.compile(r'^\s*UPDATE\s+"?counterhall_case"?\s', re.IGNORECASE)

# --------------------------------------------------------------------------- one assessment


class CountingForm(BusinessForm):
    amount = forms.DecimalField(label="金额", min_value=Decimal("0"), decimal_places=2)

    def clean(self):
        self.calls["clean"] += 1
        return super().clean()


def counting_handler(code: str, calls: dict) -> registry.BusinessTypeHandler:
    def figures(case, payload, subject):
        calls["figures"] += 1
        return {"amount": payload["amount"], "parameters": []}

    form_class = type("Counting", (CountingForm,), {"calls": calls})
    return registry.BusinessTypeHandler(
        code=code, form_class=form_class, figures=figures, apply=lambda case, actor: None
    )


@pytest.fixture
def counted(db):
    calls = {"clean": 0, "figures": 0}
    bt = factories.business_type("TST05")
    registry.register(counting_handler("TST05", calls))
    yield bt, calls
    registry.unregister("TST05")


def reset(calls):
    calls.update(clean=0, figures=0)


def test_save_preview_submit_and_resubmit_each_assess_once(
    client, counted, teller, window, reviewer
):
    bt, calls = counted
    case = casework.open_case(teller=teller, window=window, business_type=bt)
    services.case_set_documents(
        actor=teller, case_id=case.pk, seen_state=None, received=["form", "id"]
    )
    client.force_login(teller)

    client.post(reverse("case-preview", args=[case.pk]), {"amount": "12.50"})
    assert calls == {"clean": 1, "figures": 1}

    reset(calls)
    response = client.post(
        reverse("case-application", args=[case.pk]), {"seen_state": "draft", "amount": "12.50"}
    )
    assert response.status_code == 302
    assert calls == {"clean": 1, "figures": 1}

    reset(calls)
    response = client.post(
        reverse("case-application", args=[case.pk]), {"seen_state": "draft", "amount": "-1"}
    )
    assert response.status_code == 400 and "amount" in response.context["application_form"].errors
    assert calls == {"clean": 1, "figures": 0}  # the page shows the form the service validated

    reset(calls)
    services.case_submit(actor=teller, case_id=case.pk, seen_state=CaseState.DRAFT)
    assert calls == {"clean": 1, "figures": 1}

    review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
    review_services.case_return(actor=reviewer, case_id=case.pk, seen_state=None, reasons=["补正"])
    reset(calls)
    services.case_resubmit(actor=teller, case_id=case.pk, seen_state=CaseState.RETURNED)
    assert calls == {"clean": 1, "figures": 1}


def test_a_benefit_assessment_runs_once_per_save_and_preview(client, teller, window, monkeypatch):
    employer = builders.employer()
    retiree = builders.retiree(employer_obj=employer, birth=builders.years_ago(64), name="一次")
    runs = []
    original = assessments.assess_retirees

    def counted(**kwargs):
        runs.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(assessments, "assess_retirees", counted)
    case = casework.open_case("BEN01", teller=teller, window=window)
    data = {"employer_uscc": employer.uscc, "retiree_ids": retiree.id_number}
    client.force_login(teller)

    fragment = client.post(reverse("case-preview", args=[case.pk]), data).content.decode()
    assert "一次" in fragment and len(runs) == 1

    runs.clear()
    services.case_save_application(actor=teller, case_id=case.pk, seen_state=None, data=data)
    assert len(runs) == 1


def test_an_assessment_refusal_is_put_at_its_field(client, teller, window):
    """CON04: only the figures know what was overpaid; the refusal still lands at the
    amount field, with the form as the teller filled it in."""
    employer = md.employer()
    case = casework.open_case("CON04", teller=teller, window=window)
    client.force_login(teller)
    response = client.post(
        reverse("case-application", args=[case.pk]),
        {
            "seen_state": "draft",
            "uscc": employer.uscc,
            "amount": "10.00",
            "reason": "多缴",
            "bank_account": "6222000011112222",
        },
    )
    assert response.status_code == 400
    form = response.context["application_form"]
    assert "超过可退的多缴金额" in form.errors["amount"][0]
    assert form["reason"].value() == "多缴"
    case.refresh_from_db()
    assert case.payload == {}


# --------------------------------------------------------------------------- apply


@pytest.fixture
def people(teller, window, reviewer, leader, finance):
    return {"teller": teller, "window": window, "reviewer": reviewer, "signers": (leader, finance)}


@pytest.fixture
def watched_apply():
    """Re-register a catalogue type's handler with its ``apply`` watched: the statements it
    sends and what it returns."""
    seen, originals = [], []

    def watch(code):
        handler = registry.get_handler(code)
        originals.append(handler)

        def apply(case, actor):
            with CaptureQueriesContext(connection) as ctx:
                effect = handler.apply(case, actor)
            seen.append({"sql": [q["sql"] for q in ctx.captured_queries], "effect": effect})
            return effect

        registry.unregister(code)
        registry.register(dataclasses.replace(handler, apply=apply))
        return seen

    yield watch
    for handler in originals:
        registry.unregister(handler.code)
        registry.register(handler)


def complete_entry(case):
    return AuditEntry.objects.get(
        action="case.complete", target_type="counterhall.case", target_id=str(case.pk)
    )


REG04_DATA = {
    "uscc": md.USCC_A,
    "id_number": md.ID_FEMALE,
    "name": "李四",
    "retirement_category": "female_55",
    "start": "2026-01-01",
    "starting_wage": "6000",
}
CON02_DATA = {
    "id_number": md.ID_FEMALE,
    "name": "李四",
    "retirement_category": "female_55",
    "base_ratio": "1.00",
    "start": "2026-01-01",
    "bank_account": "6222000033334444",
}


@pytest.mark.parametrize(
    ("code", "data", "needs_employer", "created"),
    [
        ("REG01", REG01_DATA, False, {"employer"}),
        ("REG04", REG04_DATA, True, {"person"}),
        ("CON02", CON02_DATA, False, {"person"}),
    ],
)
def test_apply_returns_what_it_created_and_core_records_it(
    people, watched_apply, code, data, needs_employer, created
):
    """The subject a completion creates reaches the case through what ``apply`` returns:
    ``apply`` itself sends no UPDATE of the case row (the old handlers did, unaudited)."""
    if needs_employer:
        md.employer()
    seen = watched_apply(code)
    case = casework.complete(code, data, **people)

    [call] = seen
    assert not [sql for sql in call["sql"] if CASE_UPDATE.match(sql)]
    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED
    expected = {
        "employer": Employer.objects.filter(uscc=md.USCC_A).first(),
        "person": InsuredPerson.objects.filter(id_number=md.ID_FEMALE).first(),
    }
    for field in created:
        assert expected[field] is not None
        assert getattr(call["effect"], field) == expected[field]
        assert getattr(case, field) == expected[field]
    assert complete_entry(case).after == {
        "state": "completed",
        **{field: expected[field].pk for field in created},
    }


def test_a_refused_completion_touches_no_master_data(people):
    case = casework.intake("REG01", REG01_DATA, teller=people["teller"], window=people["window"])
    with pytest.raises(TransitionNotPossible):  # not approved
        services.case_complete(actor=people["teller"], case_id=case.pk, seen_state=None)
    assert not Employer.objects.exists()


def test_master_data_changed_by_a_completion_is_audited_with_before_and_after(people):
    employer = md.employer()
    person = md.person(id_number=md.ID_MALE)
    md.employee(employer_obj=employer, person_obj=person, start=dt.date(2024, 1, 1))
    casework.complete(
        "REG05",
        {
            "uscc": employer.uscc,
            "id_number": person.id_number,
            "end": "2026-01-31",
            "reason": "contract_end",
        },
        **people,
    )
    entry = AuditEntry.objects.get(action="person.separate")
    assert entry.before["end"] is None and entry.after["end"] == "2026-01-31"
    assert set(entry.before["enrollments"].values()) == {"active"}
    assert set(entry.after["enrollments"].values()) == {"ended"}

    casework.complete("REG02", {"uscc": employer.uscc, "name": "汪清新名称有限公司"}, **people)
    entry = AuditEntry.objects.get(action="employer.change")
    assert entry.before == {"name": "汪清示例科技有限公司"}
    assert entry.after == {"name": "汪清新名称有限公司"}


# --------------------------------------------------------------------------- form base


class SubjectForm(EmployerSubjectMixin, PersonSubjectMixin, BusinessForm):
    uscc = forms.CharField()
    id_number = forms.CharField()
    name = forms.CharField()
    on = forms.DateField()
    amount = forms.DecimalField()

    def clean_uscc(self):
        self.employer = Employer.objects.filter(uscc=self.cleaned_data["uscc"]).first()
        return self.cleaned_data["uscc"]


def test_business_form_prefills_from_the_subject_and_gives_a_json_payload(teller, window):
    employer = md.employer()
    person = md.person(id_number=md.ID_MALE, name="张三")
    case = casework.open_case(
        "REG05", teller=teller, window=window, employer=employer, person=person
    )

    unbound = SubjectForm(case=case, initial={"name": "王五"})
    assert unbound.case == case and unbound.region == case.hall.region == "222424"
    assert unbound["uscc"].value() == employer.uscc
    assert unbound["id_number"].value() == person.id_number
    assert unbound["name"].value() == "王五"  # what is given wins over the subject

    data = {
        "uscc": employer.uscc,
        "id_number": "x",
        "name": "张三",
        "on": "2026-02-03",
        "amount": "1.50",
    }
    bound = SubjectForm(data, case=case)
    assert bound.is_valid(), bound.errors
    assert bound.to_payload() == {**data, "amount": "1.50"}
    assert bound.subject() == registry.Subject(employer=employer, person=None)

    bare = type("Bare", (BusinessForm,), {"on": forms.DateField()})({"on": "2026-02-03"}, case=case)
    assert bare.is_valid() and bare.subject() is None  # names no subject: intake's stays


def test_every_business_form_uses_the_one_base_and_every_app_registers_the_same_way():
    from benefits import handlers as benefit_handlers
    from transfers import handlers as transfer_handlers

    for module in (
        registration_handlers,
        contribution_handlers,
        benefit_handlers,
        transfer_handlers,
    ):
        assert isinstance(module.HANDLERS, tuple)
        for handler in module.HANDLERS:
            assert registry.get_handler(handler.code) is handler
            assert issubclass(handler.form_class, BusinessForm), handler.code
