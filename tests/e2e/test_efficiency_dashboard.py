"""The efficiency dashboard through the pages: leader1 opens the dashboard for the demo
hall's last month, reads the before/after table for REG01, drills from the overdue count to
the overdue cases, and prints the page (print media, an A4 PDF)."""

import os
import re

import pytest
from django.utils import timezone

from counterhall import demo, months
from tests.e2e.conftest import login
from tests.efficiency import month

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("COUNTERHALL_SHOTS")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_leader_reads_last_month_the_before_after_table_and_the_overdue_cases(
    live_server, new_page, tmp_path
):
    seeded = demo.seed()
    first = months.add_months(months.first_of_month(timezone.localdate()), -1)
    last = months.last_of_month(first)
    built = month.build(
        hall=seeded["hall"], users=seeded["users"], windows=seeded["windows"], first=first,
        last=last,
    )  # fmt: skip
    base = live_server.url
    page = new_page(locale="zh-CN")

    login(page, base, "leader1", demo.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    assert page.locator("#efficiency-panel").is_visible()
    page.click("#nav-efficiency")
    page.wait_for_selector("#headline")
    period = f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"
    assert period in page.inner_text("#period-shown")
    taken_in = page.inner_text('tr[data-figure="cases_taken_in"] td.now')
    assert int(taken_in) > 50
    overdue_figure = page.inner_text('tr[data-figure="overdue_now"] td.now')
    assert page.locator("svg.chart").count() == 3
    page.click("#chart-days summary")
    assert page.locator("#chart-days details table").is_visible()
    shot(page, "efficiency-dashboard")

    # The before/after table for REG01.
    page.click("#before-after-link")
    page.wait_for_selector("#row-REG01")
    reg01 = [c.strip() for c in page.locator("#row-REG01 td").all_inner_texts()]
    assert reg01[:4] == ["7", "5–6", "2", "约 30"]
    assert int(reg01[4]) > 20  # REG01 cases completed last month
    assert reg01[5] == "3.0" and reg01[6] == "1.0"  # hand-offs from the log, one visit each
    assert reg01[9] == "−4.0" and reg01[10] == "−4.0 ~ −5.0"
    assert re.match(r"−\d+\.\d", reg01[11])  # fewer minutes in the hall than about 30
    shot(page, "efficiency-before-after")

    # It prints: the screen-only parts go, the sheet stays, on A4.
    page.emulate_media(media="print")
    assert not page.locator("#period-picker").is_visible()
    assert not page.locator("header.topbar").is_visible()
    assert page.locator("#before-after").is_visible()
    pdf = tmp_path / "before-after.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and b"/MediaBox [0 0 841" in data  # A4 landscape
    if SHOTS:
        page.screenshot(
            path=os.path.join(SHOTS, "efficiency-before-after-print.png"), full_page=True
        )
    page.emulate_media(media="screen")

    # Back on the dashboard: the overdue count opens the overdue cases.
    page.goto(f"{base}/efficiency/")
    page.click('tr[data-figure="overdue_now"] td.now a')
    page.wait_for_selector("#case-list")
    listed = page.inner_text("#case-list")
    for case in built["overdue"]:
        assert case.number in listed
    assert page.locator("#case-list tbody tr").count() == 2
    assert page.locator("#id_overdue").is_checked()
    shot(page, "efficiency-overdue-cases")
    assert overdue_figure == str(len(built["overdue"]))  # the figure counts its list
