"""The applicant's visit through the pages: a ticket at the entrance, the hall display shows
it called to window 1, teller1 serves it and opens REG01 during the visit, the applicant
rates 不满意 on the window's tablet and a rectification item appears with its deadline; a
second applicant's visit is a no-show after three calls."""

import os
import re

import pytest
from django.utils import timezone

from counterhall import demo
from counterhall.calendar import add_working_days
from counterhall.models import Case, Rectification, Visit, VisitStatus
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("COUNTERHALL_SHOTS")  # a folder: keep screenshots to look at
USCC = "91222424MA0Y12383Q"


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def issue_ticket(desk):
    desk.goto(desk.url.split("/visits/")[0] + "/visits/tickets/")
    desk.click("button[data-category=general]")
    desk.wait_for_selector("#ticket-slip")
    return desk.inner_text("#slip-ticket").strip()


def test_ticket_call_case_rating_and_a_no_show(live_server, new_page):
    demo.seed(business_data=False)
    base = live_server.url

    # the guide's desk issues a ticket and prints the slip
    desk = new_page(locale="zh-CN")
    login(desk, base, "admin", demo.DEMO_PASSWORD)
    desk.wait_for_url(f"{base}/")
    desk.goto(f"{base}/visits/tickets/")
    shot(desk, "visit_tickets")
    ticket = issue_ticket(desk)
    assert ticket == "A001"
    assert "您前面还有 0 人等候" in desk.inner_text("#slip-ahead")
    shot(desk, "visit_slip")

    # the hall display (no login)
    tv = new_page(locale="zh-CN")
    tv.set_viewport_size({"width": 1920, "height": 1080})
    tv.goto(f"{base}/hall/WQ/display/")
    assert "当前无人等候" in tv.inner_text("#display-calls")

    # teller1 calls the ticket to window 1
    teller = new_page(locale="zh-CN")
    login(teller, base, "teller1", demo.DEMO_PASSWORD)
    teller.wait_for_url(f"{base}/")
    teller.click("button[data-action=call]")
    teller.wait_for_selector("#current-visit[data-ticket=A001]")
    tv.wait_for_selector("#display-calls li.latest[data-ticket=A001][data-window='1']")
    assert "A001" in tv.inner_text("#display-windows tr[data-window='1']")
    shot(tv, "visit_display")
    shot(teller, "visit_call_panel")

    # the applicant is at the window: teller1 opens REG01 during the visit
    teller.click("a[data-action=open-case]")
    teller.locator("#type-list label", has_text="REG01").locator("input").check()
    teller.fill("#id_applicant_name", "周经办")
    teller.fill("#id_subject", USCC)
    teller.click("button[name=open]")
    teller.wait_for_selector("#case-state")
    case = Case.objects.get(pk=int(re.search(r"/cases/(\d+)/", teller.url).group(1)))
    assert teller.inner_text("#case-visits") == "1"
    visit = Visit.objects.get(ticket="A001")
    assert list(visit.cases.all()) == [case]
    assert visit.applicant_name == "周经办"
    teller.goto(f"{base}/")
    assert case.number in teller.inner_text("#current-visit")
    teller.click("button[data-action=end]")
    teller.wait_for_selector("button[data-action=call]")

    # the applicant rates 不满意 on the window's tablet
    tablet = new_page(locale="zh-CN")
    tablet.goto(f"{base}/hall/WQ/windows/1/rate/")
    tablet.wait_for_selector("#rating-form")
    shot(tablet, "visit_rate")
    tablet.click("label.grade-2")
    tablet.locator(".reasons label", has_text="等候时间长").locator("input").check()
    tablet.fill("textarea[name=comment]", "排队太久")
    tablet.click("button[data-action=rate]")
    tablet.wait_for_selector("text=感谢您的评价")
    item = Rectification.objects.get()
    deadline = add_working_days(timezone.localdate(), 15)
    assert item.deadline == deadline
    assert item.rating.teller.username == "teller1"

    # the hall admin sees the item with its deadline
    desk.goto(f"{base}/visits/rectifications/")
    row = desk.inner_text(f"#rectifications tr[data-item='{item.pk}']")
    assert "A001" in row and "不满意" in row and deadline.isoformat() in row
    shot(desk, "visit_rectifications")

    # a second applicant does not come after three calls
    assert issue_ticket(desk) == "A002"
    teller.click("button[data-action=call]")
    teller.wait_for_selector("#current-visit[data-ticket=A002]")
    assert teller.locator("button[data-action=no-show]").is_disabled()
    for _ in range(2):
        teller.click("button[data-action=recall]")
        teller.wait_for_selector(".messages >> text=已重呼")
    tv.wait_for_selector("#display-calls li.latest[data-ticket=A002]")
    teller.click("button[data-action=no-show]")
    teller.wait_for_selector(".messages >> text=已过号")
    second = Visit.objects.get(ticket="A002")
    assert (second.status, second.calls) == (VisitStatus.NO_SHOW, 3)
    teller.click("button[data-action=call]")
    teller.wait_for_selector(".messages >> text=当前无人等候")
