"""One hall, not one teller, through the pages: teller1 opens REG01, issues the one-time
notice and stops; teller2 at window 2 scans the notice number into the header box,
continues the case here, takes the documents and submits; a reviewer approves; teller2
completes and prints the 参保登记证明. A general teller searching for a special case's
number finds nothing."""

import os
import re

import pytest
from django.contrib.auth import get_user_model

from counterhall import demo, registry, services
from counterhall.models import AuditEntry, BusinessType, Case, Window
from tests import factories, handlers
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

USCC = "91222424MA0Y12383Q"
SHOTS = os.environ.get("COUNTERHALL_SHOTS")  # a folder: keep screenshots to look at


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def logout(page):
    page.click("header form[action$='/logout/'] button")


def scan(page, number):
    """A barcode scanner types the number and Enter into the focused header box."""
    page.fill("#find-case-number", number)
    page.press("#find-case-number", "Enter")


def test_teller2_continues_teller1s_case_from_the_notice_number(live_server, new_page):
    users = demo.seed()["users"]
    factories.empty_queue(users["reviewer1"])  # the journey's case is the queue's head
    page = new_page(locale="zh-CN")
    base = live_server.url

    # teller1: open REG01, one document only, issue the one-time notice, stop
    login(page, base, "teller1", demo.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/cases/new/?type=REG01")
    page.locator("#type-list label", has_text="REG01").locator("input").check()
    page.fill("#id_applicant_name", "周经办")
    page.fill("#id_subject", USCC)
    page.click("button[name=open]")
    page.wait_for_selector("#case-state")
    case_url = page.url
    page.locator("#documents-form input[type=checkbox]").first.check()
    page.click("#documents-form button[type=submit]")
    page.wait_for_selector("#documents-form")
    page.click("button[data-action=notify-missing]")
    page.wait_for_selector("#case-state >> text=待补正材料")
    case = Case.objects.get(pk=int(re.search(r"/cases/(\d+)/", case_url).group(1)))
    page.goto(f"{case_url}print/notice/")
    assert case.number in page.inner_text("body")
    assert page.locator("figure.case-code svg").count() == 1
    shot(page, "notice")
    page.goto(f"{base}/")
    logout(page)

    # teller2 at window 2: the applicant comes back another day with the notice
    login(page, base, "teller2", demo.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    scan(page, case.number)
    page.wait_for_selector("#take-over-form")
    assert "李柜员" in page.inner_text("#take-over-form")
    shot(page, "take_over")
    page.click("button[data-action=take-over]")
    page.wait_for_selector(".messages >> text=已接续办理")
    assert "2 号窗口" in page.inner_text(".facts")
    page.click("button[data-action=documents-received]")
    page.wait_for_selector("#documents-form")
    for box in page.locator("#documents-form input[type=checkbox]").all():
        box.check()
    page.click("#documents-form button[type=submit]")
    page.wait_for_selector(".messages >> text=要件清单已保存")
    page.fill("#id_uscc", USCC)
    page.fill("#id_name", "汪清县接续示例有限公司")
    page.fill("#id_legal_representative", "吴法人")
    page.select_option("#id_injury_class", "1")
    page.fill("#id_bank_name", "汪清农商银行")
    page.fill("#id_bank_account", "6222000011118888")
    page.click("#application-form button[type=submit]")
    page.wait_for_selector("#figures")
    page.click("button[data-action=submit]")
    page.wait_for_selector("#case-state >> text=待复核")
    logout(page)

    # a reviewer approves
    login(page, base, "reviewer1", demo.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.click("nav >> text=复核队列")
    page.click("#take-next")
    page.wait_for_selector("button[data-action=approve]")
    page.click("button[data-action=approve]")
    page.wait_for_selector(".messages >> text=已复核通过")
    logout(page)

    # teller2 completes and prints the certificate
    login(page, base, "teller2", demo.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(case_url)
    page.click("button[data-action=complete]")
    page.wait_for_selector("#print-completion")
    assert "已办结" in page.inner_text("#case-state")
    page.goto(f"{case_url}print/completion/")
    body = page.inner_text("body")
    assert "参保登记证明" in body and "王柜员" in body and case.number in body
    assert page.locator("figure.case-code svg").count() == 1
    shot(page, "completion")
    entry = AuditEntry.objects.get(action="case.take_over", target_id=str(case.pk))
    assert entry.before["teller_name"] == "李柜员" and entry.after["teller_name"] == "王柜员"


def test_general_teller_finds_nothing_of_a_special_case(live_server, new_page):
    demo.seed()
    special_type = BusinessType.objects.filter(is_special=True).first()

    served = registry.has_handler(special_type.code)  # special_ops may serve it already
    if not served:
        registry.register(handlers.handler(special_type.code))
    try:
        case = services.case_open(
            actor=get_user_model().objects.get(username="special1"),
            window=Window.objects.get(kind="special"),
            business_type=special_type,
            applicant_name="特殊办事人",
        )
    finally:
        if not served:
            registry.unregister(special_type.code)
    page = new_page(locale="zh-CN")
    base = live_server.url
    login(page, base, "teller1", demo.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    for query in (case.number, "特殊办事人"):
        scan(page, query)
        page.wait_for_selector("#search-results")
        assert "未找到" in page.inner_text("#search-results"), query
    shot(page, "special_not_found")
