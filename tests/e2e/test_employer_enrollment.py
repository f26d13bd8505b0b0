"""REG01 end to end through the pages: teller1 opens the case, checks the documents, fills
the form and submits; reviewer1 claims and approves; teller1 completes; the employer exists."""

import pytest

from counterhall import demo
from registration.models import Employer
from tests import factories
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

USCC = "91222424MA0Y12383Q"


def logout(page):
    page.click("header form[action$='/logout/'] button")


def test_employer_enrollment_through_review(live_server, new_page):
    users = demo.seed()["users"]
    factories.empty_queue(users["reviewer1"])  # the journey's case is the queue's head
    page = new_page(locale="zh-CN")
    base = live_server.url

    # teller1: find the type by pinyin initials, identify the subject, open the case
    login(page, base, "teller1", demo.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/cases/new/")
    page.fill("#type-q", "dwcb")
    page.locator("#type-list label", has_text="REG02").wait_for(state="detached")
    page.locator("#type-list label", has_text="REG01").locator("input").check()
    page.fill("#id_applicant_name", "周经办")
    page.fill("#id_subject", USCC)
    page.click("#subject-lookup")
    page.wait_for_selector("#subject-card")
    assert "尚无此单位的参保登记" in page.inner_text("#subject-info")
    page.click("button[name=open]")
    page.wait_for_selector("#case-state")
    assert "受理中" in page.inner_text("#case-state")

    # the documents checklist
    for box in page.locator("#documents-form input[type=checkbox]").all():
        box.check()
    page.click("#documents-form button[type=submit]")
    page.wait_for_selector(".doc-received, #documents-form")

    # the form, with the live figures beside it
    page.fill("#id_uscc", USCC)
    page.fill("#id_name", "汪清县新开示例有限公司")
    page.fill("#id_legal_representative", "吴法人")
    page.select_option("#id_injury_class", "5")
    page.fill("#id_bank_name", "汪清农商银行")
    page.fill("#id_bank_account", "6222000011118888")
    page.locator("#id_bank_account").dispatch_event("change")
    page.wait_for_selector("#live-figures [data-figure=injury_rate]")
    assert "0.011" in page.inner_text("#live-figures")
    page.click("#application-form button[type=submit]")
    page.wait_for_selector("#figures")
    page.click("button[data-action=submit]")
    page.wait_for_selector("#case-state")
    assert "待复核" in page.inner_text("#case-state")
    case_url = page.url
    assert not Employer.objects.filter(uscc=USCC).exists()
    logout(page)

    # reviewer1: claim and approve
    login(page, base, "reviewer1", demo.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/review/")
    page.click("#take-next")  # claiming is only through take-next
    page.wait_for_url(case_url.replace("/cases/", "/review/cases/"))
    page.wait_for_selector("button[data-action=approve]")
    page.click("button[data-action=approve]")
    page.wait_for_selector(".messages >> text=已复核通过")
    page.goto(case_url)
    page.wait_for_selector("#case-state")
    assert "已核准" in page.inner_text("#case-state")
    logout(page)

    # teller1: complete; only now the employer exists
    login(page, base, "teller1", demo.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(case_url)
    page.click("button[data-action=complete]")
    page.wait_for_selector("#case-employer")
    assert "已办结" in page.inner_text("#case-state")
    employer = Employer.objects.get(uscc=USCC)
    assert employer.name == "汪清县新开示例有限公司"
    assert employer.injury_class == 5
    assert employer.name in page.inner_text("#case-employer")
