"""Every date is the hall's local date (Asia/Shanghai), whatever the UTC date is.

At 00:30 in the hall it is 16:30 UTC of the day before: a case opened then must carry
today's local date in its number, count its deadline from it and print it. The tests travel
to that moment (and to 23:30) themselves; CI also runs the whole suite at both moments
(``COUNTERHALL_TEST_CLOCK``, see tests/conftest.py).
"""

import datetime as dt
import os

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from counterhall import permissions, services
from counterhall.calendar import add_working_days
from counterhall.models import AuditEntry, PolicyParameter
from review import services as review_services
from tests import casework, factories
from tests import masterdata as md
from tests.clock import HALL_TZ, clock_moment

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["00:30", "23:30"])
def hall_time(request):
    """The clock at that Asia/Shanghai wall-clock time of the hall's today, ticking."""
    moment = clock_moment(request.param, today=timezone.localdate())
    with time_machine.travel(moment, tick=True):
        yield moment


def chinese(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_the_shifted_session_clock_is_running():
    """CI's clock-shifted runs must really run shifted, or they prove nothing."""
    value = os.environ.get("COUNTERHALL_TEST_CLOCK")
    if not value:
        pytest.skip("COUNTERHALL_TEST_CLOCK is not set: the suite runs on the real clock")
    moment = dt.datetime.fromisoformat(value)
    assert dt.timedelta(0) <= timezone.now() - moment < dt.timedelta(hours=1)


def test_just_after_midnight_the_hall_date_is_not_the_utc_date():
    moment = clock_moment("00:30", today=dt.date(2026, 12, 2))
    with time_machine.travel(moment, tick=False):
        assert timezone.localdate() == dt.date(2026, 12, 2)
        assert timezone.now().date() == dt.date(2026, 12, 1)
        assert timezone.now().astimezone(HALL_TZ).strftime("%H:%M") == "00:30"


def test_a_case_takes_its_dates_from_the_hall_date(
    client, hall_time, teller, window, reviewer, leader, finance, test_types
):
    today = hall_time.date()
    if hall_time.hour == 0:
        assert timezone.now().date() != today  # the moment where a UTC date shows

    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.limited)
    assert case.number.split("-")[1] == f"{today:%Y%m%d}"
    assert case.promised_deadline == add_working_days(today, 5)

    client.force_login(teller)
    receipt = client.get(reverse("case-print", args=[case.pk, "receipt"])).content.decode()
    assert timezone.localtime(case.submitted_at).strftime("%Y-%m-%d %H:%M") in receipt
    assert f"{today:%Y-%m-%d} {hall_time:%H}:" in receipt
    assert chinese(case.promised_deadline) in receipt

    review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
    review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)
    case = review_services.case_sign(actor=leader, case_id=case.pk, seen_state=None)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    signed = case.signatures.get(role="leader").signed_at
    name = permissions.staff_name(leader)
    assert f"{name} {timezone.localtime(signed):%Y-%m-%d %H:%M}</span>" in page
    assert f"{name} {today:%Y-%m-%d} {hall_time:%H}:" in page


def test_the_one_time_notice_prints_the_hall_date(client, hall_time, teller, window, test_types):
    case = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    services.case_set_documents(actor=teller, case_id=case.pk, seen_state=None, received=["form"])
    services.case_notify_missing(actor=teller, case_id=case.pk, seen_state=None)

    client.force_login(teller)
    notice = client.get(reverse("case-print", args=[case.pk, "notice"])).content.decode()
    assert f"告知日期：{chinese(hall_time.date())}" in notice


def test_an_audit_entry_names_the_hall_time(hall_time, teller, window, test_types):
    """The entry as the admin lists it (its ``str``) gives the hall's date and hour."""
    case = casework.open_case(test_types.general, teller=teller, window=window)
    entry = AuditEntry.objects.get(action="case.open", target_id=str(case.pk))
    assert str(entry).startswith(f"{hall_time:%Y-%m-%d %H}:")


def test_figures_read_the_parameters_in_force_on_the_hall_date(hall_time, teller, window):
    """A rate that takes effect today applies to a case opened at 00:30 today."""
    PolicyParameter.objects.create(
        region="222424",
        key="injury.class_base_rate.1",
        value="0.009",
        effective_from=hall_time.date(),
        tag="practice",
        note="测试：今日起施行的费率",
    )
    md.employer(injury_class=2)
    case = casework.intake(
        "REG02", {"uscc": md.USCC_A, "injury_class": "1"}, teller=teller, window=window
    )
    assert dict(case.figures["summary"])["injury_rate"] == "0.009"
