"""The auditor's desk through the pages: auditor1 filters the log, opens a case's timeline,
exports the filtered log as CSV, draws a 5 % sample of last month's REG01 cases, records a
finding, and the case's teller sees the finding on the case."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from counterhall import demo, months
from counterhall.models import BusinessType, Case, CaseState
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("COUNTERHALL_SHOTS")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def last_months_reg01_cases(seeded, count=30):
    """Completed REG01 cases of last month (rows written straight: the sampling reads them)."""
    first = months.add_months(months.first_of_month(timezone.localdate()), -1)
    hall, users, windows = seeded["hall"], seeded["users"], seeded["windows"]
    reg01 = BusinessType.objects.get(code="REG01")
    cases = []
    for i in range(count):
        at = timezone.make_aware(dt.datetime.combine(first, dt.time(10)) + dt.timedelta(hours=i))
        cases.append(
            Case(
                number=f"WQ-AUDIT-{i:04d}",
                hall=hall,
                window=windows[1],
                business_type=reg01,
                teller=users["teller1"],
                reviewer=users["reviewer1"],
                state=CaseState.COMPLETED,
                applicant_name=f"单位 {i}",
                completed_at=at,
            )
        )
    Case.objects.bulk_create(cases)
    return first, months.last_of_month(first)


def test_auditor_filters_exports_samples_and_the_teller_sees_the_finding(live_server, new_page):
    seeded = demo.seed()
    first, last = last_months_reg01_cases(seeded)
    base = live_server.url
    page = new_page(locale="zh-CN")

    login(page, base, "auditor1", demo.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.click("#nav-audit")
    page.wait_for_selector("#audit-log")
    page.select_option("#id_actor", label="李柜员（teller1）")
    page.select_option("#id_action", value="case.submit")
    page.click("#audit-filters button[type=submit]")
    page.wait_for_url("**/audit/?*")
    rows = page.locator("#audit-log tbody tr[data-entry]")
    assert rows.count() >= 1
    assert all("提交复核" in t for t in rows.all_inner_texts())
    shot(page, "audit-log")

    # export what is filtered
    with page.expect_download() as download:
        page.click("#audit-export")
    body = Path(download.value.path()).read_bytes()
    assert body.startswith("\ufeff".encode())
    assert body.decode("utf-8-sig").count("case.submit") == rows.count()

    # a row opens its case's timeline
    rows.first.locator("a").click()
    page.wait_for_selector("#timeline")
    assert page.locator("#state-durations tbody tr").count() >= 1
    shot(page, "audit-timeline")

    # a 5 % sample of last month's REG01 cases
    page.click("#audit-desk-nav >> text=抽查")
    page.fill("#id_date_from", first.isoformat())
    page.fill("#id_date_to", last.isoformat())
    page.select_option("#id_business_types", value="REG01")
    page.fill("#id_percent", "5")
    page.click("#draw-sample")
    page.wait_for_selector("#sample-seed")
    findings = page.locator("#findings tbody tr[data-case]")
    assert findings.count() == 2  # 5 % of 30, rounded up
    number = findings.first.get_attribute("data-case")
    form = findings.first.locator("form.finding-form")
    form.locator("input[value=problem]").check()
    form.locator("input[name=rule_broken]").fill("要件不全")
    form.locator("textarea[name=note]").fill("缺少营业执照复印件")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"tr[data-case='{number}'].finding-problem")
    shot(page, "audit-sample")
    page.click("header form[action$='/logout/'] button")

    # the teller sees the finding on their case
    login(page, base, "teller1", demo.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    case = Case.objects.get(number=number)
    page.goto(f"{base}/cases/{case.pk}/")
    assert "要件不全" in page.inner_text("#findings")
    assert "缺少营业执照复印件" in page.inner_text("#findings")
    shot(page, "teller-finding")

    # the same in English
    page.click("header button[value=en]")
    page.wait_for_selector("#findings >> text=Spot-check findings")
    assert "Problem found" in page.inner_text("#findings")
    assert "Show full numbers" in page.inner_text("#reveal-form")
    shot(page, "teller-finding-en")
