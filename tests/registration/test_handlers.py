"""REG01–REG05 at the counter: happy paths intake → review → completion, bad input at the
field with nothing changed, effects applied once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from counterhall import registry, services
from counterhall.exceptions import DomainError
from counterhall.models import CaseState
from registration.models import Employer, EmployerStatus, Employment, InsuredPerson
from tests import casework
from tests import masterdata as md

pytestmark = pytest.mark.django_db

REG01_DATA = {
    "uscc": md.USCC_A,
    "name": "汪清示例科技有限公司",
    "address": "汪清县大川街 1 号",
    "legal_representative": "王法人",
    "injury_class": "1",
    "bank_name": "汪清农商银行",
    "bank_account": "6222000011112222",
    "registered_on": "2026-01-05",
}


@pytest.fixture
def people(teller, window, reviewer, leader, finance):
    return {
        "teller": teller,
        "window": window,
        "reviewer": reviewer,
        "signers": (leader, finance),
    }


def run(code, data, people, **kwargs):
    return casework.complete(code, data, **people, **kwargs)


def test_reg01_employer_enrollment(people):
    case = run("REG01", REG01_DATA, people)
    assert case.state == CaseState.COMPLETED
    employer = Employer.objects.get(uscc=md.USCC_A)
    assert employer.registered_by_case == case
    assert employer.injury_class == 1
    case.refresh_from_db()
    assert case.employer == employer
    assert dict(case.figures["summary"])["injury_rate"] == "0.002"
    assert {p["key"] for p in case.figures["parameters"]} == {"injury.class_base_rate.1"}


def test_reg01_nothing_happens_before_completion(people):
    case = casework.intake("REG01", REG01_DATA, teller=people["teller"], window=people["window"])
    casework.approve(case, teller=people["teller"], reviewer=people["reviewer"])
    assert not Employer.objects.exists()


def test_reg01_effect_applied_once_even_if_complete_is_retried(people):
    case = run("REG01", REG01_DATA, people)
    with pytest.raises(DomainError):
        services.case_complete(actor=people["teller"], case_id=case.pk, seen_state=None)
    registry.get_handler("REG01").apply(case, people["teller"])  # a replayed apply
    assert Employer.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("uscc", "91222424MA0Y12340C", "应为 B"),
        ("uscc", "91222424MAOY12340B", "不允许的字符"),
        ("uscc", "91222424MA0Y1234", "18 位"),
        ("registered_on", "2098-01-01", "晚于今天"),
        ("bank_account", "62-22", "数字"),
    ],
)
def test_reg01_bad_input_at_the_field(people, field, value, fragment):
    case = casework.open_case("REG01", teller=people["teller"], window=people["window"])
    with pytest.raises(ValidationError) as info:
        services.case_save_application(
            actor=people["teller"],
            case_id=case.pk,
            seen_state=None,
            data={**REG01_DATA, field: value},
        )
    assert any(fragment in m for m in info.value.message_dict[field])
    case.refresh_from_db()
    assert case.payload == {}


def test_reg01_employer_enrolled_twice(people):
    md.employer()
    case = casework.open_case("REG01", teller=people["teller"], window=people["window"])
    with pytest.raises(ValidationError) as info:
        services.case_save_application(
            actor=people["teller"], case_id=case.pk, seen_state=None, data=REG01_DATA
        )
    assert "不能重复登记" in info.value.message_dict["uscc"][0]


def test_reg02_employer_change(people):
    employer = md.employer()
    case = run(
        "REG02",
        {"uscc": md.USCC_A, "address": "汪清县新址 8 号", "injury_class": "5"},
        people,
    )
    employer.refresh_from_db()
    assert employer.address == "汪清县新址 8 号"
    assert employer.injury_class == 5
    assert case.employer == employer
    with pytest.raises(ValidationError) as info:
        casework.intake(
            "REG02",
            {"uscc": md.USCC_A, "injury_class": "5"},
            teller=people["teller"],
            window=people["window"],
        )
    assert "至少填写一项" in str(info.value)


def test_reg03_deregistration_with_signoff(people):
    employer = md.employer()
    case = run(
        "REG03",
        {"uscc": md.USCC_A, "deregistered_on": "2026-03-31", "reason": "营业执照注销"},
        people,
    )
    employer.refresh_from_db()
    assert employer.status == EmployerStatus.DEREGISTERED
    assert employer.deregistered_by_case == case
    assert set(case.signed_roles()) == {"leader"}
    assert case.promised_deadline is not None


def test_reg03_refused_with_active_staff(people):
    employer = md.employer()
    md.employee(employer_obj=employer, person_obj=md.person())
    case = casework.open_case("REG03", teller=people["teller"], window=people["window"])
    with pytest.raises(ValidationError) as info:
        services.case_save_application(
            actor=people["teller"],
            case_id=case.pk,
            seen_state=None,
            data={"uscc": md.USCC_A, "deregistered_on": "2026-03-31", "reason": "注销"},
        )
    assert "在职参保职工" in info.value.message_dict["uscc"][0]


def test_reg03_conditions_rechecked_at_completion(people):
    employer = md.employer()
    case = casework.intake(
        "REG03",
        {"uscc": md.USCC_A, "deregistered_on": "2026-03-31", "reason": "注销"},
        teller=people["teller"],
        window=people["window"],
    )
    casework.approve(case, **{k: people[k] for k in ("teller", "reviewer", "signers")})
    md.employee(employer_obj=employer, person_obj=md.person())  # hired meanwhile
    with pytest.raises(ValidationError):
        services.case_complete(actor=people["teller"], case_id=case.pk, seen_state=None)
    case.refresh_from_db()
    employer.refresh_from_db()
    assert case.state == CaseState.APPROVED and employer.is_active


REG04_DATA = {
    "uscc": md.USCC_A,
    "id_number": md.ID_FEMALE,
    "name": "李四",
    "phone": "13900000000",
    "retirement_category": "female_55",
    "work_start": "2000-07-01",
    "deemed_months": "0",
    "start": "2026-01-01",
    "starting_wage": "3000",
}


def test_reg04_employee_enrollment_with_base_and_live_figures(people):
    employer = md.employer()
    case = run("REG04", REG04_DATA, people)
    person = InsuredPerson.objects.get(id_number=md.ID_FEMALE)
    assert person.birth_date == dt.date(1978, 1, 1) and person.sex == "female"
    assert Employment.objects.get(person=person).employer == employer
    assert person.declared_bases.get(year=2026).base == Decimal("3900.00")
    figures = case.figures
    assert dict(figures["summary"])["base"] == "3900.00"
    assert figures["schemes"]["pension"]["employer"] == "624.00"
    assert figures["schemes"]["work_injury"]["employer"] == "7.80"
    case.refresh_from_db()
    assert case.person == person and case.employer == employer


def test_reg04_person_enrolled_twice(people):
    other = md.employer(uscc=md.USCC_B, name="汪清县某事业单位")
    md.employer()
    md.employee(employer_obj=other, person_obj=md.person(id_number=md.ID_FEMALE, name="李四"))
    case = casework.open_case("REG04", teller=people["teller"], window=people["window"])
    with pytest.raises(ValidationError) as info:
        services.case_save_application(
            actor=people["teller"], case_id=case.pk, seen_state=None, data=REG04_DATA
        )
    assert "不能同时重复参保" in info.value.message_dict["id_number"][0]


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("id_number", "222424196503151235", "应为 4"),
        ("id_number", "222424197502301231", "不是有效日期"),
        ("id_number", "222424299901011234", "晚于今天"),
        ("starting_wage", "-5", "负数"),
        ("starting_wage", "abc", "数字"),
    ],
)
def test_reg04_bad_input(people, field, value, fragment):
    md.employer()
    case = casework.open_case("REG04", teller=people["teller"], window=people["window"])
    with pytest.raises(ValidationError) as info:
        services.case_save_application(
            actor=people["teller"],
            case_id=case.pk,
            seen_state=None,
            data={**REG04_DATA, field: value},
        )
    assert fragment in " ".join(info.value.message_dict[field])
    assert not InsuredPerson.objects.exists()


def test_reg05_separation(people):
    employer, person = md.employer(), md.person()
    md.employee(employer_obj=employer, person_obj=person)
    run(
        "REG05",
        {"uscc": md.USCC_A, "id_number": md.ID_MALE, "end": "2026-06-30", "reason": "dismissed"},
        people,
    )
    spell = Employment.objects.get(person=person)
    assert spell.end == dt.date(2026, 6, 30) and spell.end_reason == "dismissed"


def test_reg05_separating_someone_not_enrolled(people):
    md.employer()
    md.person()
    case = casework.open_case("REG05", teller=people["teller"], window=people["window"])
    with pytest.raises(ValidationError) as info:
        services.case_save_application(
            actor=people["teller"],
            case_id=case.pk,
            seen_state=None,
            data={
                "uscc": md.USCC_A,
                "id_number": md.ID_MALE,
                "end": "2026-06-30",
                "reason": "resigned",
            },
        )
    assert "不是此单位的在职参保职工" in info.value.message_dict["id_number"][0]
