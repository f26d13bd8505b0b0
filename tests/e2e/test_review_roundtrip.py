"""The internal round trip in two browsers: a teller submits a case, a reviewer takes it and
returns it with a reason, the teller sees the reason (live, without reloading), resubmits,
the reviewer approves, and the teller completes it."""

import pytest
from playwright.sync_api import expect

from counterhall import demo, registry
from counterhall.models import Case, CaseState
from tests import factories, handlers
from tests.e2e.conftest import login
from tests.review.conftest import load_return_reasons

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def applied():
    """The cases whose effect the test handler ran."""
    return []


@pytest.fixture
def test_type(applied):
    """A throw-away business type served by the test handler (the live server runs in this
    process, so the registry applies to it)."""
    bt = factories.business_type("TST01")
    registry.register(handlers.handler("TST01", applied=applied))
    yield bt
    registry.unregister("TST01")


def test_teller_and_reviewer_take_a_case_round_the_hall(live_server, new_page, test_type, applied):
    hall = demo.seed(business_data=False)  # an empty queue: the test case is its head
    load_return_reasons()
    url = live_server.url
    teller = new_page()
    reviewer = new_page()
    login(teller, url, "teller1", demo.DEMO_PASSWORD)
    login(reviewer, url, "reviewer1", demo.DEMO_PASSWORD)
    teller.wait_for_url(f"{url}/")
    reviewer.wait_for_url(f"{url}/")

    # Teller: intake, documents, application, submit.
    teller.goto(f"{url}/cases/new/")
    teller.select_option("#id_window", value=str(hall["windows"][1].pk))
    teller.fill("#type-q", test_type.code)
    teller.locator("#type-list label", has_text=test_type.code).locator("input").check()
    teller.fill("#id_applicant_name", "金顺姬")
    teller.click("button[name=open]")
    expect(teller.locator("#case-state")).to_have_text("受理中")
    teller.check("#documents-form input[name=doc_form]")
    teller.check("#documents-form input[name=doc_id]")
    teller.click("#documents-form button[type=submit]")
    teller.fill("#application-form input[name=amount]", "88.00")
    teller.click("#application-form button[type=submit]")
    teller.click("button[data-action=submit]")
    expect(teller.locator("#case-state")).to_have_text("待复核")
    number = Case.objects.get(pk=int(teller.url.rstrip("/").rsplit("/", 1)[-1])).number

    # The teller watches the work list while the case travels.
    teller.goto(f"{url}/")
    row = teller.locator(f'#worklist tr[data-case="{number}"]')
    expect(row).to_contain_text("排队待复核")

    # Reviewer: the queue, take next, return with a reason from the checklist.
    reviewer.click("nav >> text=复核队列")
    expect(reviewer.locator("#queue")).to_contain_text(number)
    reviewer.click("#take-next")
    expect(reviewer.locator("h1")).to_contain_text(number)
    expect(row).to_contain_text("陈复核 复核中")  # live on the teller's page
    expect(reviewer.locator("#payload")).to_contain_text("88.00")
    reviewer.check("#return-form label:has-text('申请表填写有误或漏填') >> xpath=.. >> input")
    reviewer.fill("#return-form textarea[name=other]", "金额请与收据核对")
    reviewer.click("button[data-action=return]")
    expect(reviewer.locator(".messages")).to_contain_text("已退回")

    # Teller: the reason appears without reloading; open the case, resubmit once.
    expect(row).to_contain_text("申请表填写有误或漏填")
    expect(row).to_contain_text("金额请与收据核对")
    row.locator("a").click()
    expect(teller.locator("#return-reasons")).to_contain_text("金额请与收据核对")
    teller.click("button[data-action=resubmit]")
    expect(teller.locator("#case-state")).to_have_text("待复核")

    # Reviewer: take it again and approve.
    reviewer.click("#take-next")
    expect(reviewer.locator("h1")).to_contain_text(number)
    reviewer.fill("#approve-note", "已核对")
    reviewer.click("button[data-action=approve]")
    expect(reviewer.locator(".messages")).to_contain_text("已复核通过")
    expect(reviewer.locator("#my-decided")).to_contain_text("2 件")

    # Teller: approved shows live; complete (办结) runs the type's effect.
    teller.goto(f"{url}/")
    expect(row).to_contain_text("已核准，待办结")
    expect(row).to_contain_text("退回重交 1 次")
    row.locator("a").click()
    teller.click("button[data-action=complete]")
    expect(teller.locator("#case-state")).to_have_text("已办结")

    case = Case.objects.get(number=number)
    assert case.state == CaseState.COMPLETED
    assert case.round_trips == 1
    assert [case.pk] == applied
