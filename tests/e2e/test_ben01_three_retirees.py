"""Browser journey: a teller determines the pension of three retirees of one employer while
the applicant waits — intake, reviewer approval, completion."""

import re

import pytest

from benefits import demo as benefits_demo
from benefits.models import PensionAward
from counterhall import demo
from counterhall.models import BusinessType
from registration.models import Employment
from tests import factories
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_three_retirees_are_determined_while_the_applicant_waits(live_server, new_page):
    users = demo.seed()["users"]
    factories.empty_queue(users["reviewer1"])  # the journey's case is the queue's head
    ids = list(
        Employment.objects.filter(person__name__in=benefits_demo.RETIREES[:3])
        .order_by("person__name")
        .values_list("person__id_number", flat=True)
    )
    assert len(ids) == 3

    # teller: intake at window 1
    teller = new_page()
    login(teller, live_server.url, "teller1", demo.DEMO_PASSWORD)
    teller.wait_for_url(f"{live_server.url}/")
    teller.goto(f"{live_server.url}/cases/new/")
    teller.fill("#type-q", "BEN01")
    bt = BusinessType.objects.get(code="BEN01")
    teller.check(f"input[name=business_type][value='{bt.pk}']")
    teller.fill("#id_applicant_name", "孟厂长")
    teller.fill("#id_subject", benefits_demo.USCC)
    teller.click("#case-open-form button[name=open]")
    teller.wait_for_url(re.compile(r"/cases/\d+/$"))
    case_url = teller.url

    for box in teller.locator("#documents-form input[type=checkbox]").all():
        box.check()
    teller.click("#documents-form button[type=submit]")
    teller.fill("#id_employer_uscc", benefits_demo.USCC)
    teller.fill("#id_retiree_ids", "\n".join(ids))
    teller.click("#application-form button[type=submit]")
    assert teller.locator("#retirees tbody tr").count() == 3
    assert "即时办结" in teller.inner_text("#retiree-count")
    teller.click("button[data-action=submit]")
    assert teller.inner_text("#case-state") == "待复核"

    # reviewer: takes the head of the queue and approves
    reviewer = new_page()
    login(reviewer, live_server.url, "reviewer1", demo.DEMO_PASSWORD)
    reviewer.wait_for_url(f"{live_server.url}/")
    reviewer.goto(f"{live_server.url}/review/")
    reviewer.click("#take-next")  # claiming is only through take-next
    reviewer.wait_for_url(case_url.replace("/cases/", "/review/cases/"))
    assert reviewer.inner_text("#case-state") == "复核中"
    assert reviewer.locator("#retirees tbody tr").count() == 3
    reviewer.click("button[data-action=approve]")
    reviewer.wait_for_selector(".messages >> text=已复核通过")
    reviewer.goto(case_url)
    assert reviewer.inner_text("#case-state") == "已核准"

    # teller: completes while the applicant waits
    teller.goto(case_url)
    teller.click("button[data-action=complete]")
    assert teller.inner_text("#case-state") == "已办结"
    assert PensionAward.objects.filter(person__id_number__in=ids).count() == 3
