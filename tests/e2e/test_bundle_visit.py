"""一件事一次办 through the pages: a ticket at the entrance, teller1 calls it to window 1 and
takes in the 企业开办参保 bundle (REG01 + REG04) — one checklist, one application, one
one-time notice — each case goes its own way (REG04 waits for the employer REG01
registers), both are submitted, the bundle page shows each case's state, the receipt lists
both; the applicant rates 不满意 and a rectification item appears."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from counterhall import demo, services
from counterhall.calendar import add_working_days
from counterhall.models import BundleIntake, CaseState, Rectification, Visit
from review import services as review_services
from tests.e2e.conftest import login
from tests.e2e.test_applicant_visit import issue_ticket, shot
from tests.registration.test_handlers import REG01_DATA, REG04_DATA

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

USCC = "91222424MA0Y12383Q"
User = get_user_model()
REG01 = {**REG01_DATA, "uscc": USCC}
REG04 = {**REG04_DATA, "uscc": USCC, "start": REG01_DATA["registered_on"]}


def fill(page, data, prefix):
    for key, value in data.items():
        if key in ("uscc", "id_number"):  # shared: typed once
            page.fill(f"#bundle-application [name={key}]", value)
            continue
        selector = f"[name='{prefix}-{key}']"
        if page.locator(f"select{selector}").count():
            page.select_option(selector, value)
        else:
            page.fill(selector, value)


def test_bundle_in_one_visit(live_server, new_page):
    demo.seed(business_data=False)
    base = live_server.url

    desk = new_page(locale="zh-CN")
    login(desk, base, "admin", demo.DEMO_PASSWORD)
    desk.wait_for_url(f"{base}/")
    desk.goto(f"{base}/visits/tickets/")
    assert issue_ticket(desk) == "A001"

    teller = new_page(locale="zh-CN")
    login(teller, base, "teller1", demo.DEMO_PASSWORD)
    teller.wait_for_url(f"{base}/")
    teller.click("button[data-action=call]")
    teller.wait_for_selector("#current-visit[data-ticket=A001]")

    # the intake page offers the bundles next to the single types
    teller.click("a[data-action=open-case]")
    offer = teller.locator("#bundle-offer")
    assert "企业开办参保" in offer.inner_text() and "身后一件事" not in offer.inner_text()
    offer.locator("label", has_text="企业开办参保").locator("input[type=radio]").check()
    teller.fill("#id_bundle-applicant_name", "周经办")
    teller.fill("#id_bundle-subject", USCC)
    shot(teller, "bundle_offer")
    teller.click("#bundle-open")
    teller.wait_for_selector("#bundle-checklist")
    intake = BundleIntake.objects.get(pk=int(re.search(r"/bundles/(\d+)/", teller.url)[1]))
    reg01, reg04 = intake.ordered_cases()
    visit = Visit.objects.get(ticket="A001")
    assert set(visit.cases.all()) == {reg01, reg04}

    # one checklist: every document once; the labour contract is not brought
    assert teller.locator("#bundle-checklist input[name=received]").count() == 8
    for box in teller.locator("#bundle-checklist input[name=received]").all():
        if box.get_attribute("value") != "labour_contract":
            box.check()
    teller.click("#bundle-documents-save")
    teller.wait_for_selector(".messages >> text=要件清单已保存")

    # one application: the USCC typed once; REG04's own form refuses until REG01 is done
    assert teller.locator("#bundle-application [name=uscc]").count() == 1
    teller.fill("#bundle-application [name=uscc]", USCC)
    fill(teller, REG01, f"c{reg01.pk}")
    fill(teller, REG04, f"c{reg04.pk}")
    teller.click("#bundle-application-save")
    teller.wait_for_selector("text=REG04：本中心没有此统一社会信用代码的参保单位")
    shot(teller, "bundle_application_errors")
    reg01.refresh_from_db()
    assert reg01.payload["uscc"] == USCC

    # one one-time notice for everything missing
    teller.click("#bundle-notify")
    teller.wait_for_selector(".messages >> text=已出具一次性告知书")
    with teller.expect_popup() as popup:
        teller.click("#print-bundle-notice")
    notice = popup.value
    notice.wait_for_load_state()
    assert "劳动合同" in notice.inner_text("#notice-missing")
    shot(notice, "bundle_notice")

    # REG01 is submitted; the reviewer approves it and teller1 completes it
    teller.click("#bundle-submit")
    teller.wait_for_selector(".messages >> text=已提交复核")
    reg01.refresh_from_db()
    assert reg01.state == CaseState.SUBMITTED
    reviewer = User.objects.get(username="reviewer1")
    review_services.case_claim(actor=reviewer, case_id=reg01.pk, seen_state=None)
    review_services.case_approve(actor=reviewer, case_id=reg01.pk, seen_state=None)
    teller.goto(f"{base}/cases/{reg01.pk}/")
    teller.click("button[data-action=complete]")
    teller.wait_for_selector(".messages >> text=办结")

    # the labour contract is brought; REG04's application now validates; REG04 is submitted
    teller.goto(f"{base}/cases/{reg04.pk}/")
    teller.click("button[data-action=documents-received]")
    teller.wait_for_selector(".messages >> text=材料已补正")
    teller.goto(f"{base}/bundles/{intake.pk}/")
    teller.check("#doc-labour_contract")
    teller.click("#bundle-documents-save")
    teller.wait_for_selector(".messages >> text=要件清单已保存")
    fill(teller, REG04, f"c{reg04.pk}")
    teller.fill("#bundle-application [name=uscc]", USCC)
    teller.click("#bundle-application-save")
    teller.wait_for_selector(".messages >> text=申请内容已保存")
    teller.click("#bundle-submit")
    teller.wait_for_selector(".messages >> text=已提交复核")
    reg04.refresh_from_db()
    assert reg04.state == CaseState.SUBMITTED
    rows = teller.inner_text("#bundle-cases")
    assert "已办结" in rows and "待复核" in rows
    assert "一件事未办结" in teller.inner_text("#bundle-status")
    shot(teller, "bundle_page")
    with teller.expect_popup() as popup:
        teller.click("#print-bundle-receipt")
    receipt = popup.value
    receipt.wait_for_load_state()
    assert reg01.number in receipt.inner_text("#receipt-cases")
    assert reg04.number in receipt.inner_text("#receipt-cases")
    shot(receipt, "bundle_receipt")

    # REG04 reviewed and completed: the bundle is complete
    review_services.case_claim(actor=reviewer, case_id=reg04.pk, seen_state=None)
    review_services.case_approve(actor=reviewer, case_id=reg04.pk, seen_state=None)
    services.case_complete(actor=reg04.teller, case_id=reg04.pk, seen_state=None)
    teller.goto(f"{base}/bundles/{intake.pk}/")
    assert "一件事已办结" in teller.inner_text("#bundle-status")

    # the applicant rates 不满意: a rectification item with its deadline
    teller.goto(f"{base}/")
    teller.click("button[data-action=end]")
    teller.wait_for_selector("button[data-action=call]")
    tablet = new_page(locale="zh-CN")
    tablet.goto(f"{base}/hall/WQ/windows/1/rate/")
    tablet.wait_for_selector("#rating-form")
    tablet.click("label.grade-2")
    tablet.click("button[data-action=rate]")
    tablet.wait_for_selector("text=感谢您的评价")
    item = Rectification.objects.get()
    assert item.deadline == add_working_days(timezone.localdate(), 15)
    assert item.rating.visit == visit
