"""BEN01: retirement pension determination for one or several retirees of one employer."""

from decimal import Decimal

import pytest
from django.utils import timezone

from benefits import calculations as calc
from benefits.models import PensionAward
from counterhall import services
from counterhall.models import CaseState
from counterhall.months import add_months, first_of_month
from registration.models import EnrollmentStatus, PersonStatus
from review import services as review_services
from tests import casework
from tests.benefits import builders as b


@pytest.fixture
def employer(db):
    return b.employer()


def retirees(employer, n):
    return [
        b.retiree(employer_obj=employer, birth=b.years_ago(64, i), name=f"退休{i}")
        for i in range(n)
    ]


def data(employer, people):
    return {
        "employer_uscc": employer.uscc,
        "retiree_ids": "\n".join(p.id_number for p in people),
    }


def test_three_retirees_intake_review_completion(teller, window, reviewer, employer):
    # given three retirees with 240 deemed months and 120,000 on the account
    people = retirees(employer, 3)
    # when the teller takes the application and the reviewer approves
    case = b.ready(teller=teller, window=window, code="BEN01", data=data(employer, people))
    rows = case.figures["retirees"]
    assert case.figures["retiree_count"] == 3
    # C 7,000 × I 1.00: basic (7000+7000)/2 × 20 × 1 % = 1,400.00; transitional 7000 × 20 ×
    # 1.2 % = 1,680.00; account 120,000 ÷ 117 (age 63) … depends on the age at retirement
    assert {r["basic_pension"] for r in rows} == {"1400.00"}
    assert {r["transitional_pension"] for r in rows} == {"1680.00"}
    assert case.employer == employer
    case = services.case_submit(actor=teller, case_id=case.pk, seen_state=None)
    assert case.is_immediate is True
    assert case.promised_deadline is None
    assert not PensionAward.objects.exists()  # nothing before completion
    case = review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
    case = review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)
    assert case.state == CaseState.APPROVED
    case = services.case_complete(actor=teller, case_id=case.pk, seen_state=None)
    # then each retiree has an award and their contributions end
    assert case.state == CaseState.COMPLETED
    awards = PensionAward.objects.filter(case=case)
    assert awards.count() == 3
    for person in people:
        person.refresh_from_db()
        award = awards.get(person=person)
        row = next(r for r in rows if r["person_id"] == person.pk)
        assert award.monthly_amount == Decimal(row["total"])
        assert award.breakdown["basic_pension"] == "1400.00"
        assert award.start_month == add_months(
            first_of_month(calc.parse_month(row["retirement_date"][:7])), 1
        )
        assert person.status == PersonStatus.RETIRED
        assert not person.enrollments.filter(status=EnrollmentStatus.ACTIVE).exists()


def test_pension_matches_the_formula_for_one_retiree(teller, window, employer):
    # a man of 60 y 1 m at retirement (born 1965-01): divisor 139
    person = b.retiree(
        employer_obj=employer,
        birth=calc.parse_month("1965-01").replace(day=10),
        deemed_months=420,
        balance="120000",
    )
    case = b.ready(teller=teller, window=window, code="BEN01", data=data(employer, [person]))
    row = case.figures["retirees"][0]
    assert row["retirement_date"] == "2025-02-10"
    assert row["retirement_age"] == {"years": 60, "months": 1}
    assert row["start_month"] == "2025-03"
    assert row["months_divisor"] == "139.00"
    assert row["account_pension"] == "863.31"
    assert row["basic_pension"] == "2450.00"  # (7000 + 7000)/2 × 35 × 1 %
    assert case.person == person


@pytest.mark.parametrize(("count", "immediate"), [(5, True), (6, False)])
def test_five_are_immediate_six_are_time_limited(teller, window, employer, count, immediate):
    people = retirees(employer, count)
    case = b.ready(teller=teller, window=window, code="BEN01", data=data(employer, people))
    case = services.case_submit(actor=teller, case_id=case.pk, seen_state=None)
    assert case.is_immediate is immediate
    if immediate:
        assert case.promised_deadline is None
    else:
        from counterhall.calendar import add_working_days

        submitted_on = timezone.localdate(case.submitted_at)
        assert case.promised_deadline == add_working_days(submitted_on, 10)


def test_the_switch_follows_the_parameter(teller, window, employer):
    from counterhall.models import PolicyParameter

    PolicyParameter.objects.filter(key="hall.retiree_batch_on_spot_max").update(value=2)
    people = retirees(employer, 3)
    case = b.ready(teller=teller, window=window, code="BEN01", data=data(employer, people))
    case = services.case_submit(actor=teller, case_id=case.pk, seen_state=None)
    assert case.is_immediate is False


def test_a_retiree_not_yet_eligible_is_refused_with_the_date(teller, window, employer):
    young = b.retiree(employer_obj=employer, birth=b.years_ago(58), name="未到龄")
    old = retirees(employer, 1)[0]
    errors = casework.application_errors(
        "BEN01", data(employer, [old, young]), teller=teller, window=window
    )
    message = " ".join(errors["retiree_ids"])
    sex, years = "male", 60
    from django.utils import timezone

    from counterhall.params import ParamReader

    age = calc.statutory_retirement_from_params(
        birth_date=young.birth_date,
        sex=sex,
        original_years=years,
        reader=ParamReader(region="222424", on=timezone.localdate()),
    )
    assert "未到龄 尚未达到退休年龄" in message
    assert age.retirement_date.isoformat() in message
    assert f"还差 {(age.retirement_date - timezone.localdate()).days} 天" in message
    assert not PensionAward.objects.exists()


def test_short_contributions_are_refused_with_the_months_missing(teller, window, employer):
    short = b.retiree(
        employer_obj=employer, birth=b.years_ago(63), deemed_months=100, name="缴费不足"
    )
    errors = casework.application_errors(
        "BEN01", data(employer, [short]), teller=teller, window=window
    )
    message = errors["retiree_ids"][0]
    assert "缴费不足 累计缴费（含视同缴费）100 个月" in message
    assert "还差 80 个月" in message


def test_a_retiree_of_another_employer_is_refused(teller, window, employer):
    other = b.employer(uscc="12222424412345670L", name="另一单位")
    person = b.retiree(employer_obj=other, birth=b.years_ago(64), name="外单位")
    errors = casework.application_errors(
        "BEN01", data(employer, [person]), teller=teller, window=window
    )
    assert "不是 汪清示例科技有限公司 的在职参保职工" in errors["retiree_ids"][0]


def test_unknown_and_duplicate_ids_are_refused(teller, window, employer):
    person = retirees(employer, 1)[0]
    errors = casework.application_errors(
        "BEN01",
        {
            "employer_uscc": employer.uscc,
            "retiree_ids": f"{person.id_number}\n{person.id_number}\n222424196503151235",
        },
        teller=teller,
        window=window,
    )
    text = " ".join(errors["retiree_ids"])
    assert "重复填写" in text
    assert "校验" in text or "身份证" in text


def test_a_retiree_already_awarded_is_refused(teller, window, reviewer, employer):
    person = retirees(employer, 1)[0]
    b.completed(
        teller=teller, window=window, reviewer=reviewer, code="BEN01", data=data(employer, [person])
    )
    errors = casework.application_errors(
        "BEN01", data(employer, [person]), teller=teller, window=window
    )
    assert "人员状态为“已退休”" in errors["retiree_ids"][0]


def test_completion_applies_once(teller, window, reviewer, employer):
    from benefits import handlers

    people = retirees(employer, 2)
    case = b.completed(
        teller=teller, window=window, reviewer=reviewer, code="BEN01", data=data(employer, people)
    )
    handlers.ben01_apply(case, teller)
    assert PensionAward.objects.filter(case=case).count() == 2


def test_a_woman_worker_retires_at_fifty_with_the_fifty_divisor(teller, window, employer):
    # born 1974-06 (before the reform's first affected month 1975-01): 50 y, 计发月数 195
    person = b.retiree(
        employer_obj=employer,
        birth=calc.parse_month("1974-06").replace(day=3),
        male=False,
        category="female_50",
        deemed_months=300,
        balance="19500",
    )
    case = b.ready(teller=teller, window=window, code="BEN01", data=data(employer, [person]))
    row = case.figures["retirees"][0]
    assert row["retirement_date"] == "2024-06-03"
    assert row["retirement_age"] == {"years": 50, "months": 0}
    assert row["months_divisor"] == "195.00"
    assert row["account_pension"] == "100.00"


def test_a_large_batch_takes_the_catalogue_limit_only(teller, window, employer):
    from benefits.handlers import ben01_completion
    from counterhall.models import PolicyParameter

    PolicyParameter.objects.filter(key="hall.retiree_batch_on_spot_max").update(value=1)
    people = retirees(employer, 2)
    case = b.ready(teller=teller, window=window, code="BEN01", data=data(employer, people))
    assert ben01_completion(case) == (False, case.business_type.limit_days)
    case.business_type.limit_days = 12
    assert ben01_completion(case) == (False, 12)
    case.business_type.limit_days = None  # no figure is invented when the catalogue has none
    assert ben01_completion(case) == (False, None)


def test_the_help_text_states_the_parameter(teller, window):
    from benefits.forms import RetirementApplicationForm
    from counterhall.models import PolicyParameter

    case = casework.open_case("BEN01", teller=teller, window=window)
    assert "5 人及以下即时办结" in str(
        RetirementApplicationForm(case=case)["retiree_ids"].help_text
    )
    PolicyParameter.objects.filter(key="hall.retiree_batch_on_spot_max").update(value=3)
    text = str(RetirementApplicationForm(case=case)["retiree_ids"].help_text)
    assert "3 人及以下即时办结；超过 3 人为限时办结" in text


def test_errors_in_the_id_list_name_their_line(teller, window, employer):
    person = retirees(employer, 1)[0]
    errors = casework.application_errors(
        "BEN01",
        {
            "employer_uscc": employer.uscc,
            "retiree_ids": f"{person.id_number}\n\n{person.id_number}\n222424196503151235",
        },
        teller=teller,
        window=window,
    )
    text = errors["retiree_ids"]
    assert any(m.startswith("第 3 行：") and "重复填写" in m for m in text)
    assert any(m.startswith("第 4 行：") for m in text)
