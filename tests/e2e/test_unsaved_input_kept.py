"""Saving the documents checklist keeps what was typed in the application form and not yet
saved, and the other way round."""

import pytest

from counterhall import demo
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_saving_one_form_keeps_the_other_forms_unsaved_input(live_server, new_page):
    demo.seed()
    page = new_page(locale="zh-CN")
    base = live_server.url
    login(page, base, "teller1", demo.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/cases/new/?q=REG01")
    page.fill("#id_applicant_name", "周经办")
    page.click("button[name=open]")
    page.wait_for_selector("#case-state")

    # typed in the application, then the checklist is saved
    page.fill("#id_name", "汪清县未保存示例有限公司")
    page.locator("#documents-form input[type=checkbox]").first.check()
    page.click("#documents-form button[type=submit]")
    page.wait_for_selector(".messages >> text=要件清单已保存")
    assert page.input_value("#id_name") == "汪清县未保存示例有限公司"

    # ticked in the checklist, then the application is saved (invalid: shown again)
    second = page.locator("#documents-form input[type=checkbox]").nth(1)
    second.check()
    page.click("#application-form button[type=submit]")
    page.wait_for_selector("#application-form")
    assert page.locator("#documents-form input[type=checkbox]").nth(1).is_checked()
