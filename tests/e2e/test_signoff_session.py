"""The daily sign-off session in the browser: three CON04 refunds and one REG03
deregistration reach sign-off; leader1 excludes one refund with a reason and signs the
rest in one confirmation; the hall admin sets a delegation from an absent finance officer to
finance1, who signs its share in their stead; the batch sheet prints with names,
totals and the audit seal digest; the excluded case is back with its teller, with the
reason."""

import datetime as dt
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from counterhall import audit, demo
from counterhall.models import Case, CaseState
from counterhall.roles import Role
from tests import factories
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OVERPAID = "91222424MA0Y12340B"  # the demo employer that paid 200 yuan too much
NO_STAFF = "91222424MA0Y123598"  # the demo employer with no staff left
SHOTS = os.environ.get("COUNTERHALL_SHOTS")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def reach_signoff(seeded):
    hall, users = seeded["hall"], seeded["users"]
    cases = [
        demo.demo_case(
            hall=hall,
            users=users,
            code="CON04",
            label=f"签批退费{n}",
            data={
                "uscc": OVERPAID,
                "amount": amount,
                "reason": "重复缴费",
                "bank_account": "6222000011112222",
            },
            until=CaseState.AWAITING_SIGNOFF,
        )
        for n, amount in ((1, "50.00"), (2, "30.00"), (3, "20.00"))
    ]
    cases.append(
        demo.demo_case(
            hall=hall,
            users=users,
            code="REG03",
            label="签批注销",
            data={"uscc": NO_STAFF, "deregistered_on": "2026-10-31", "reason": "营业执照注销"},
            until=CaseState.AWAITING_SIGNOFF,
        )
    )
    assert {c.state for c in cases} == {CaseState.AWAITING_SIGNOFF}
    return cases


def test_leader_and_finance_sign_the_session(live_server, new_page):
    seeded = demo.seed()
    refund1, refund2, refund3, dereg = reach_signoff(seeded)
    url = live_server.url

    leader = new_page(locale="zh-CN")
    login(leader, url, "leader1", demo.DEMO_PASSWORD)
    leader.wait_for_url(f"{url}/")
    leader.click("#open-signoff")
    expect(leader.locator(".signoff-group[data-type=CON04] tbody tr")).to_have_count(3)
    expect(leader.locator(".signoff-group[data-type=REG03] tbody tr")).to_have_count(1)
    expect(leader.locator(".signoff-group[data-type=CON04] tfoot")).to_contain_text("100.00")
    shot(leader, "1-session")
    leader.check(f"input[name=exclude_{refund2.pk}]")
    leader.fill(f"#reason-{refund2.pk}", "收款账户户名不符")
    leader.check("#signoff-confirm")
    leader.click("#sign-batch")
    leader.wait_for_url("**/review/signoff/sheet/**")
    expect(leader.locator("#sheet-signer")).to_have_text("周局长")
    expect(leader.locator("table[data-type=CON04] tfoot")).to_contain_text("70.00")  # 50 + 20
    expect(leader.locator("#sheet-held")).to_contain_text("收款账户户名不符")
    shot(leader, "2-leader-sheet")

    # the finance officer is away: the hall admin delegates the role to finance1
    absent = factories.UserFactory(
        username="finance0", first_name="孙财务", roles=[Role.FINANCE], hall=seeded["hall"]
    )
    admin = new_page(locale="zh-CN")
    login(admin, url, "admin", demo.DEMO_PASSWORD)
    admin.wait_for_url(f"{url}/")
    admin.click("#open-delegations")
    admin.select_option("#id_principal", value=str(absent.pk))
    admin.select_option("#id_delegate", value=str(seeded["users"]["finance1"].pk))
    admin.select_option("#id_role", value="finance")
    admin.fill("#id_ends_on", (timezone.localdate() + dt.timedelta(days=3)).isoformat())
    admin.click("#delegation-form button[type=submit]")
    expect(admin.locator("#delegation-list")).to_contain_text("生效中")
    shot(admin, "3-delegation")

    # finance1 signs the refunds for the absent officer (REG03 needs the leader only)
    audit.seal(settle_seconds=-60)
    finance = new_page(locale="zh-CN")
    login(finance, url, "finance1", demo.DEMO_PASSWORD)
    finance.wait_for_url(f"{url}/")
    finance.goto(f"{url}/review/signoff/")
    expect(finance.locator(".signoff-group[data-type=CON04] tbody tr")).to_have_count(2)
    expect(finance.locator(".signoff-group[data-type=REG03]")).to_have_count(0)
    expect(finance.locator(".signoff-group[data-type=CON04] tbody")).to_contain_text(
        "6222000011112222"
    )  # finance sees whom the refunds pay
    finance.check("#signoff-confirm")
    finance.click("#sign-batch")
    finance.wait_for_url("**/review/signoff/sheet/**")
    expect(finance.locator("#sheet-signer")).to_have_text("吴财务")
    expect(finance.locator("table[data-type=CON04] tbody")).to_contain_text("吴财务 代 孙财务")
    expect(finance.locator("table[data-type=CON04] tfoot")).to_contain_text("70.00")
    seal = audit.seal(settle_seconds=-60)
    finance.reload()
    from counterhall.models import AuditSeal

    expect(finance.locator("#sheet-seal")).to_contain_text(
        AuditSeal.objects.latest("last_entry_id").digest
    )
    shot(finance, "4-finance-sheet")
    assert seal is not None

    assert Case.objects.get(pk=refund1.pk).state == CaseState.APPROVED
    assert Case.objects.get(pk=refund3.pk).state == CaseState.APPROVED
    assert Case.objects.get(pk=dereg.pk).state == CaseState.APPROVED

    # the excluded refund is back with its teller, with the reason
    teller = new_page(locale="zh-CN")
    login(teller, url, "teller1", demo.DEMO_PASSWORD)
    teller.wait_for_url(f"{url}/")
    teller.goto(f"{url}/cases/{refund2.pk}/")
    expect(teller.locator("#case-state")).to_have_text("已退回")
    expect(teller.locator("body")).to_contain_text("收款账户户名不符")
    shot(teller, "5-teller-returned")
