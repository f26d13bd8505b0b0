"""SPC01 in the browser: special1 takes in a death in service with two heirs, the
special-authorised reviewer approves, leader1 and finance1 sign, special1 completes; the
payouts exist once, the person is closed, the account is zero, finance prints the payment
list, and teller1 finds the case nowhere (list, search, case URL, API)."""

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from contributions import selectors as contributions
from counterhall import demo
from counterhall.models import BusinessType, Case, CaseState
from registration import selectors as people
from registration.models import PersonStatus
from special_ops import demo as special_demo
from special_ops.models import Payout
from tests import factories
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEIRS = (
    "吴秀兰 222424197406100026 配偶 50 6222000011112001\n"
    "周晓 222424199803010031 子女 50 6222000011112002"
)
SHOTS = os.environ.get("COUNTERHALL_SCREENSHOTS")


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_death_in_service_journey(live_server, new_page):
    url = live_server.url
    users = demo.seed()["users"]
    factories.empty_queue(users["reviewer1"])  # the journey's case is the queue's head
    person = people.person_by_id_number(special_demo.DECEASED_ID)
    bt = BusinessType.objects.get(code="SPC01")

    clerk = new_page("zh-CN")
    login(clerk, url, "special1", demo.DEMO_PASSWORD)
    clerk.wait_for_url(f"{url}/")
    clerk.goto(f"{url}/cases/new/")
    clerk.fill("#type-q", "SPC01")
    clerk.check(f"input[name=business_type][value='{bt.pk}']")
    clerk.fill("#id_applicant_name", "吴秀兰")
    clerk.fill("#id_subject", special_demo.DECEASED_ID)
    clerk.click("#case-open-form button[name=open]")
    clerk.wait_for_url(re.compile(r"/cases/\d+/$"))
    case_url = clerk.url
    for box in clerk.locator("#documents-form input[type=checkbox]").all():
        box.check()
    clerk.click("#documents-form button[type=submit]")
    clerk.fill("#id_death_date", "2026-10-05")
    clerk.select_option("#id_death_cause", "illness")
    clerk.fill("#id_heirs", HEIRS)
    clerk.select_option("#id_inheritance_document", "kinship")
    clerk.click("#application-form button[type=submit]")
    expect(clerk.locator("#funeral-grant").first).to_have_text("6400.00")
    expect(clerk.locator("#heirs").first).to_contain_text("************2002")
    shot(clerk, "spc01-intake")
    clerk.click("button[data-action=submit]")
    expect(clerk.locator("#case-state")).to_have_text("待复核")
    case = Case.objects.get(pk=int(case_url.rstrip("/").rsplit("/", 1)[-1]))

    reviewer = new_page("zh-CN")
    login(reviewer, url, "reviewer1", demo.DEMO_PASSWORD)
    reviewer.wait_for_url(f"{url}/")
    reviewer.goto(f"{url}/review/")
    reviewer.click("#take-next")  # claiming is only through take-next
    reviewer.wait_for_url(case_url.replace("/cases/", "/review/cases/"))
    expect(reviewer.locator("#funeral-grant").first).to_have_text("6400.00")
    reviewer.click("button[data-action=approve]")
    reviewer.wait_for_selector(".messages >> text=已复核通过")
    reviewer.goto(case_url)
    expect(reviewer.locator("#case-state")).to_have_text("待签批")

    for signer in ("leader1", "finance1"):
        page = new_page("zh-CN")
        login(page, url, signer, demo.DEMO_PASSWORD)
        page.wait_for_url(f"{url}/")
        page.goto(case_url)
        page.click("button[data-action=sign]")
    expect(page.locator("#case-state")).to_have_text("已核准")

    clerk.goto(case_url)
    clerk.click("button[data-action=complete]")
    expect(clerk.locator("#case-state")).to_have_text("已办结")
    shot(clerk, "spc01-completed")

    case.refresh_from_db()
    person.refresh_from_db()
    assert case.state == CaseState.COMPLETED
    assert person.status == PersonStatus.DECEASED
    assert contributions.account_balance(person_id=person.pk) == Decimal("0.00")
    payouts = list(Payout.objects.filter(person=person).order_by("pk"))
    assert [p.payee_name for p in payouts] == ["吴秀兰", "周晓"]
    assert sum(p.amount for p in payouts) == Decimal(case.figures["total"])

    # finance prints the day's payment list
    page.goto(f"{url}/special/payments/")
    expect(page.locator("#payment-list")).to_contain_text(case.number)
    expect(page.locator("#payment-total")).to_have_text(case.figures["total"])
    shot(page, "payment-list")

    # teller1: nowhere
    teller = new_page("zh-CN")
    login(teller, url, "teller1", demo.DEMO_PASSWORD)
    teller.wait_for_url(f"{url}/")
    assert case.number not in teller.content()
    teller.goto(f"{url}/cases/new/?q=SPC01")
    assert "在职死亡" not in teller.inner_text("body")
    for path in (case_url, f"{url}/cases/number/{case.number}/", f"{url}/special/payments/"):
        assert teller.goto(path).status == 404, path
    token = next(c["value"] for c in teller.context.cookies() if c["name"] == "csrftoken")
    api = teller.request.post(
        f"{url}/api/v1/calculations/survivor/",
        data={"contribution_months": 240, "death_date": "2026-10-05"},
        headers={"X-CSRFToken": token, "Referer": url},
    )
    assert api.status == 404
