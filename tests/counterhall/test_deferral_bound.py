"""A promise to bring a document later (容缺受理) reaches at most
``documents.deferral_max_working_days`` working days: 9999-12-31 is refused at the service
(pages and API alike) and at the checklist's field, naming the latest allowed date."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from counterhall import services
from counterhall.calendar import DEFERRAL_MAX_KEY, add_working_days, latest_promise_date
from counterhall.models import AuditEntry, Case, PolicyParameter
from tests import casework

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(teller, window, test_types):
    return casework.open_case(teller=teller, window=window, business_type=test_types.deferrable)


def promise(teller, case, date):
    return services.case_set_documents(
        actor=teller,
        case_id=case.pk,
        seen_state=None,
        received=["form"],
        deferred={"contract": date},
    )


def test_the_latest_promise_is_the_parameter_in_working_days(hall):
    today = timezone.localdate()
    days = int(PolicyParameter.objects.get(key=DEFERRAL_MAX_KEY).value)
    assert days == 20
    assert latest_promise_date(region=hall.region, today=today) == add_working_days(today, 20)


@pytest.mark.parametrize("date", [dt.date(9999, 12, 31), "latest+1"])
def test_a_promise_too_far_is_refused_naming_the_latest_date(teller, draft, date):
    latest = latest_promise_date(region=draft.hall.region, today=timezone.localdate())
    if date == "latest+1":
        date = latest + dt.timedelta(days=1)
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as info:
        promise(teller, draft, date)
    assert any(latest.isoformat() in m for m in info.value.message_dict["deferred"])
    assert Case.objects.get(pk=draft.pk).documents_due is None
    assert AuditEntry.objects.count() == entries


def test_a_promise_on_the_latest_date_is_taken(teller, draft):
    latest = latest_promise_date(region=draft.hall.region, today=timezone.localdate())
    assert promise(teller, draft, latest).documents_due == latest


def test_a_regional_parameter_moves_the_bound(teller, draft):
    PolicyParameter.objects.create(
        region=draft.hall.region,
        key=DEFERRAL_MAX_KEY,
        value=5,
        tag="practice",
        effective_from=dt.date(2020, 1, 1),
    )
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        promise(teller, draft, add_working_days(today, 6))
    assert promise(teller, draft, add_working_days(today, 5)).documents_due


def test_the_checklist_form_shows_the_latest_date_at_the_field(client, teller, draft):
    latest = latest_promise_date(region=draft.hall.region, today=timezone.localdate())
    before = Case.objects.get(pk=draft.pk).documents
    client.force_login(teller)
    r = client.post(
        f"/cases/{draft.pk}/documents/",
        {"seen_state": draft.state, "doc_form": "on", "defer_contract": "9999-12-31"},
        follow=True,
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert "1900-01-01 至 2099-12-31" in page
    r = client.post(
        f"/cases/{draft.pk}/documents/",
        {"seen_state": draft.state, "doc_form": "on", "defer_contract": f"{latest.year + 1}-01-01"},
        follow=True,
    )
    assert f"不得晚于 {latest.isoformat()}" in r.content.decode()
    assert Case.objects.get(pk=draft.pk).documents == before
