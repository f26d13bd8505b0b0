"""SPC01 death in service: figures against docs/special-business.md, the refusals at intake,
completion after review and every signature, and what completion refuses."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from contributions import selectors as contributions
from contributions import services as contrib_services
from counterhall import services
from counterhall.models import BusinessType, CaseState
from registration.models import Employment, Enrollment, EnrollmentStatus, PersonStatus
from review import services as review_services
from special_ops.models import Payout
from tests import casework
from tests.benefits import builders as b
from tests.special_ops import builders as sb

D = dt.date


@pytest.fixture
def employer(db):
    return b.employer()


@pytest.fixture
def person(employer):
    return sb.deceased(employer_obj=employer)


def intake(clerk, window, data):
    return casework.intake("SPC01", data, teller=clerk, window=window)


def test_figures_match_worked_example_1(special_clerk, special_window, person):
    """docs/special-business.md example 1 (rules.md §1.6: Y = 22 y 4 m, B = 3,200)."""
    f = intake(special_clerk, special_window, sb.death_data(person)).figures
    assert f["contribution_months"] == 268
    assert f["survivor_base"] == "3200.00"
    assert f["funeral_grant"] == "6400.00"
    assert f["survivor_months"] == "16.3333"
    assert f["survivor_payment"] == "52266.67"
    assert f["account_balance"] == "30720.50"  # 30,000 + 2024 interest 720.50
    assert f["interest"] == "201.22"  # 30,720.50 × 2.62 % × 3/12, the 2024 rate
    assert f["account_total"] == "30921.72"
    assert f["total"] == "89588.39"
    assert f["stop_from"] == "2025-04-01"
    a, c = f["heirs"]
    assert (a["share"], a["funeral_grant"], a["survivor_payment"], a["account_amount"]) == (
        "50",
        "3200.00",
        "26133.34",
        "15460.86",
    )
    assert (c["survivor_payment"], c["amount"]) == ("26133.33", "44794.19")
    assert Decimal(a["amount"]) + Decimal(c["amount"]) == Decimal(f["total"])
    keys = {p["key"] for p in f["parameters"]}
    assert {
        "survivor.urban_disposable_income_month",
        "survivor.funeral_multiple",
        "survivor.months_rule",
        "pension.account_interest_rate",
    } <= keys


def test_short_and_capped_contribution_years(special_clerk, special_window, employer):
    short = sb.deceased(employer_obj=employer, deemed_months=59, interest_2024=False)
    f = intake(special_clerk, special_window, sb.death_data(short)).figures
    assert (f["survivor_months"], f["survivor_payment"]) == ("3.0000", "9600.00")


def test_complete_after_review_and_signatures(
    special_clerk, special_window, reviewer, leader, finance, person, employer
):
    case = intake(special_clerk, special_window, sb.death_data(person))
    casework.approve(case, teller=special_clerk, reviewer=reviewer, signers=[leader, finance])
    case = services.case_complete(actor=special_clerk, case_id=case.pk, seen_state=None)
    assert case.state == CaseState.COMPLETED
    assert case.person_id == person.pk
    person.refresh_from_db()
    assert person.status == PersonStatus.DECEASED
    assert contributions.account_balance(person_id=person.pk) == Decimal("0.00")
    spell = Employment.objects.get(person=person)
    assert spell.end == D(2025, 3, 10)
    assert not Enrollment.objects.filter(person=person, status=EnrollmentStatus.ACTIVE).exists()
    rows = list(Payout.objects.filter(person=person).order_by("pk"))
    assert [(r.payee_name, r.amount) for r in rows] == [
        ("王芳", Decimal("44794.20")),
        ("李小明", Decimal("44794.19")),
    ]
    assert rows[0].bank_account_masked.endswith("0001")
    # the month after death is no longer billed for the person
    contrib_services.bill_generate_employer(
        actor=None, employer_id=employer.pk, period=D(2025, 4, 1)
    )
    assert not contributions.contributions_of(person).filter(period=D(2025, 4, 1)).exists()


def test_signoff_needs_leader_and_finance(special_clerk, special_window, reviewer, leader, person):
    case = intake(special_clerk, special_window, sb.death_data(person))
    services.case_submit(actor=special_clerk, case_id=case.pk, seen_state=None)
    review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
    case = review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)
    case = review_services.case_sign(actor=leader, case_id=case.pk, seen_state=None)
    assert case.state == CaseState.AWAITING_SIGNOFF
    assert case.pending_signoff_roles() == ["finance"]


def test_second_case_for_the_paid_person_refused_with_earlier_number(
    special_clerk, special_window, reviewer, leader, finance, employer
):
    person = sb.deceased(employer_obj=employer)
    first = casework.complete(
        "SPC01",
        sb.death_data(person),
        teller=special_clerk,
        window=special_window,
        reviewer=reviewer,
        signers=[leader, finance],
    )
    # the person is deceased now; a later case is refused before figures, naming status;
    # a payout of another case for the same person and cause is refused with the number
    from special_ops import selectors

    assert selectors.earlier_payout(person, "death").case.number == first.number
    errors = casework.application_errors(
        "SPC01", sb.death_data(person), teller=special_clerk, window=special_window
    )
    assert "已死亡" in errors["id_number"][0]


def test_pending_case_refused_with_its_number(special_clerk, special_window, person):
    first = intake(special_clerk, special_window, sb.death_data(person))
    errors = casework.application_errors(
        "SPC01", sb.death_data(person), teller=special_clerk, window=special_window
    )
    assert first.number in errors["id_number"][0]


def test_paid_payout_refused_with_its_number(
    special_clerk, special_window, reviewer, leader, finance, person
):
    """Even when the person's status was put back (a correction), the payout row stands."""
    first = casework.complete(
        "SPC01",
        sb.death_data(person),
        teller=special_clerk,
        window=special_window,
        reviewer=reviewer,
        signers=[leader, finance],
    )
    b.registration.person_set_status(actor=None, person_id=person.pk, status="active")
    errors = casework.application_errors(
        "SPC01", sb.death_data(person), teller=special_clerk, window=special_window
    )
    assert first.number in errors["id_number"][0]
    assert Payout.objects.filter(person=person).count() == 2


def test_refusals_at_the_fields(special_clerk, special_window, person, employer):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    e = casework.application_errors(
        "SPC01",
        sb.death_data(person, death_date=tomorrow),
        teller=special_clerk,
        window=special_window,
    )
    assert e["death_date"] == ["死亡日期不能晚于今天。"]
    e = casework.application_errors(
        "SPC01",
        sb.death_data(person, death_cause="work_injury"),
        teller=special_clerk,
        window=special_window,
    )
    assert "工伤保险" in e["death_cause"][0]
    e = casework.application_errors(
        "SPC01",
        sb.death_data(person, heirs=f"王芳 {sb.HEIR_B} 配偶 50 6222000011110001"),
        teller=special_clerk,
        window=special_window,
    )
    assert e["heirs"] == ["各继承人份额合计应为 100%，现为 50%。"]
    e = casework.application_errors(
        "SPC01",
        sb.death_data(person, dispute="on", inheritance_document="kinship"),
        teller=special_clerk,
        window=special_window,
    )
    assert "公证书" in e["inheritance_document"][0]
    e = casework.application_errors(
        "SPC01",
        sb.death_data(
            person,
            heirs=f"王芳 {sb.HEIR_B} 配偶 1/3 6222000011110001\n"
            f"李小明 {sb.HEIR_A} 子女 1/3 6222000011110002",
        ),
        teller=special_clerk,
        window=special_window,
    )
    assert e["heirs"] == ["各继承人份额合计应为 100%，现为 66.6667%。"]


def test_dispute_with_court_document_accepted(special_clerk, special_window, person):
    data = sb.death_data(
        person,
        dispute="on",
        inheritance_document="court",
        heirs=f"王芳 {sb.HEIR_B} 配偶 2/3 6222000011110001\n"
        f"李小明 {sb.HEIR_A} 子女 1/3 6222000011110002",
    )
    f = intake(special_clerk, special_window, data).figures
    assert [h["share"] for h in f["heirs"]] == ["66.6667", "33.3333"]
    assert sum(Decimal(h["amount"]) for h in f["heirs"]) == Decimal(f["total"])


def test_death_before_a_later_paid_month_refused_with_the_month(
    special_clerk, special_window, employer
):
    person = b.person(birth=D(1980, 1, 1), name="王五")
    b.registration.employee_enroll(
        actor=None, employer_id=employer.pk, person_id=person.pk, start=D(2024, 1, 1)
    )
    b.paid_months(employer_obj=employer, person_obj=person, first=D(2024, 1, 1), months=3)
    e = casework.application_errors(
        "SPC01",
        sb.death_data(person, death_date="2024-02-10"),
        teller=special_clerk,
        window=special_window,
    )
    assert "2024-03" in e["death_date"][0]


def test_open_cases_of_the_deceased_block_completion(
    special_clerk, special_window, teller, window, reviewer, leader, finance, person
):
    other = casework.open_case("BEN03", teller=teller, window=window, person=person)
    case = intake(special_clerk, special_window, sb.death_data(person))
    assert [c["number"] for c in case.figures["open_cases"]] == [other.number]
    casework.approve(case, teller=special_clerk, reviewer=reviewer, signers=[leader, finance])
    with pytest.raises(ValidationError) as exc:
        services.case_complete(actor=special_clerk, case_id=case.pk, seen_state=None)
    assert other.number in exc.value.messages[0]
    assert not Payout.objects.exists()
    services.case_withdraw(actor=teller, case_id=other.pk, seen_state=None, reason="本人死亡")
    case = services.case_complete(actor=special_clerk, case_id=case.pk, seen_state=None)
    assert case.state == CaseState.COMPLETED


def test_balance_moved_since_review_refuses_completion(
    special_clerk, special_window, reviewer, leader, finance, person
):
    case = intake(special_clerk, special_window, sb.death_data(person))
    casework.approve(case, teller=special_clerk, reviewer=reviewer, signers=[leader, finance])
    contrib_services.account_post(
        actor=None, person_id=person.pk, kind="adjustment", amount="100.00", on=D(2025, 3, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.case_complete(actor=special_clerk, case_id=case.pk, seen_state=None)
    assert "余额已变动" in exc.value.messages[0]
    person.refresh_from_db()
    assert person.status == PersonStatus.ACTIVE
    assert not Payout.objects.exists()


def test_general_window_cannot_open_spc01(teller, window, person):
    with pytest.raises(ValidationError):
        casework.open_case("SPC01", teller=teller, window=window)
    assert BusinessType.objects.get(code="SPC01").is_special


def test_case_page_shows_figures_masked_accounts_and_open_cases(
    client, special_clerk, special_window, teller, window, person
):
    other = casework.open_case("BEN03", teller=teller, window=window, person=person)
    case = intake(special_clerk, special_window, sb.death_data(person))
    client.force_login(special_clerk)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "52266.67" in page
    heirs = page[page.index('id="heirs"') :]
    heirs = heirs[: heirs.index("</table>")]
    assert "************0001" in heirs
    assert "6222000011110001" not in heirs  # only the clerk's own form field holds it
    assert other.number in page


def test_completion_refusal_is_a_message_on_the_case_page(
    client, special_clerk, special_window, teller, window, reviewer, leader, finance, person
):
    other = casework.open_case("BEN03", teller=teller, window=window, person=person)
    case = intake(special_clerk, special_window, sb.death_data(person))
    casework.approve(case, teller=special_clerk, reviewer=reviewer, signers=[leader, finance])
    client.force_login(special_clerk)
    r = client.post(f"/cases/{case.pk}/complete/", {"seen_state": "approved"}, follow=True)
    page = r.content.decode()
    assert other.number in page
    assert "死者尚有未办结的业务" in page
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED


def test_reviewer_sees_the_figures_and_heirs(
    client, special_clerk, special_window, reviewer, person
):
    case = intake(special_clerk, special_window, sb.death_data(person))
    services.case_submit(actor=special_clerk, case_id=case.pk, seen_state=None)
    review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
    client.force_login(reviewer)
    page = client.get(f"/review/cases/{case.pk}/").content.decode()
    assert "52266.67" in page
    assert "************0002" in page
