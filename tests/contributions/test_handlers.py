"""CON01–CON04 at the counter: happy paths, worked examples, bad input, effects once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from contributions import selectors
from contributions import services as con
from contributions.models import AssessmentBill, BillKind, Contribution, DeclaredBase, Refund
from counterhall import registry, services
from counterhall.exceptions import DomainError
from registration import services as reg
from registration.models import FlexibleWorker, InsuredPerson
from tests import casework
from tests import masterdata as md

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def people(teller, window, reviewer, leader, finance):
    return {"teller": teller, "window": window, "reviewer": reviewer, "signers": (leader, finance)}


@pytest.fixture
def staffed():
    employer = md.employer()
    persons = [
        md.person(),
        md.person(id_number=md.ID_X, name="王五"),
        md.person(id_number=md.ID_EXTRA, name="赵六"),
    ]
    for p in persons:
        md.employee(employer_obj=employer, person_obj=p)
    return employer, persons


def save(case_code, data, people):
    case = casework.open_case(case_code, teller=people["teller"], window=people["window"])
    return services.case_save_application(
        actor=people["teller"], case_id=case.pk, seen_state=None, data=data
    )


WAGES = f"{md.ID_MALE} 5000\n{md.ID_X}，3000\n{md.ID_EXTRA}\t25000\n"


def test_con01_base_declaration_worked_example(people, staffed):
    employer, _persons = staffed
    case = casework.complete("CON01", {"uscc": md.USCC_A, "year": "2026", "wages": WAGES}, **people)
    bases = dict(DeclaredBase.objects.filter(year=2026).values_list("person__name", "base"))
    assert bases == {"张三": D("5000.00"), "王五": D("3900.00"), "赵六": D("19500.00")}
    f = case.figures
    assert [line["base"] for line in f["lines"]] == ["5000.00", "3900.00", "19500.00"]
    assert [line["clamped"] for line in f["lines"]] == ["none", "floor", "ceiling"]
    assert f["schemes"]["pension"]["employer"] == "4544.00"  # 800 + 624 + 3120
    assert f["schemes"]["unemployment"]["individual"] == "142.00"  # 25 + 19.5 + 97.5
    assert f["schemes"]["work_injury"]["employer"] == "56.80"  # 10 + 7.8 + 39
    assert case.employer == employer
    # the monthly bill then uses these bases
    bill, _ = con.bill_generate_employer(
        actor=None, employer_id=employer.pk, period=dt.date(2026, 2, 1)
    )
    assert bill.total == D("7156.80")


@pytest.mark.parametrize(
    ("wages", "fragment"),
    [
        (f"{md.ID_MALE} -100", "不能为负数"),
        (f"{md.ID_MALE} abc", "不是数字"),
        (f"{md.ID_MALE[:-1]}5 5000", "应为 4"),
        (f"{md.ID_FEMALE} 5000", "不是此单位"),
        (f"{md.ID_MALE} 5000\n{md.ID_MALE} 6000", "已在前面申报"),
    ],
)
def test_con01_bad_wage_lines(people, staffed, wages, fragment):
    with pytest.raises(ValidationError) as info:
        save("CON01", {"uscc": md.USCC_A, "year": "2026", "wages": wages}, people)
    assert any(fragment in m for m in info.value.message_dict["wages"])
    assert not DeclaredBase.objects.exists()


FLEX = {
    "id_number": md.ID_FEMALE,
    "name": "李四",
    "retirement_category": "female_55",
    "base_ratio": "1.00",
    "start": "2026-01-01",
    "bank_account": "6222000033334444",
}


def test_con02_flexible_worker(people):
    case = casework.complete("CON02", FLEX, **people)
    worker = FlexibleWorker.objects.get()
    assert worker.base_ratio == D("1.00")
    assert worker.case == case
    summary = dict(case.figures["summary"])
    assert summary["base"] == "6500.00"
    assert summary["monthly_total"] == "1300.00"
    assert summary["to_account"] == "520.00"
    assert summary["to_pool"] == "780.00"
    assert DeclaredBase.objects.get(person=worker.person, employer=None).base == D("6500.00")
    case.refresh_from_db()
    assert case.person == worker.person
    bill, _ = con.bill_generate_flexible(
        actor=None, worker_id=worker.pk, period=dt.date(2026, 2, 1)
    )
    assert bill.total == D("1300.00")


def test_con02_employed_person_cannot_enroll_as_flexible(people):
    md.employee(
        employer_obj=md.employer(), person_obj=md.person(id_number=md.ID_FEMALE, name="李四")
    )
    with pytest.raises(ValidationError) as info:
        save("CON02", FLEX, people)
    assert "不能同时重复参保" in info.value.message_dict["id_number"][0]


BACKPAY = {
    "uscc": md.USCC_A,
    "id_number": md.ID_MALE,
    "period_from": "2026-02",
    "period_to": "2026-02",
    "monthly_wage": "5000",
    "paid_date": "2026-04-29",
}


def test_con03_back_payment_with_late_fee(people, staffed):
    _employer, (a, _b, _c) = staffed
    case = casework.complete("CON03", BACKPAY, **people)
    f = case.figures
    # 2026-02 is due 2026-03-15; paid 2026-04-29 → 45 days (rules.md §1.4)
    month = f["months"][0]
    assert month["due_date"] == "2026-03-15" and month["days_late"] == 45
    assert month["principal"] == "1260.00"  # 800 + 400 + 25 + 25 + 10
    assert month["late_fee"] == "28.35"  # 1260 × 0.0005 × 45
    assert f["total"] == "1288.35"
    bill = AssessmentBill.objects.get(kind=BillKind.BACK_PAYMENT)
    assert bill.case == case and bill.late_fee == D("28.35") and bill.total == D("1288.35")
    assert Contribution.objects.filter(bill=bill, person=a).count() == 3
    assert set(case.signed_roles()) == {"leader"}
    # applied once
    with pytest.raises(DomainError):
        services.case_complete(actor=people["teller"], case_id=case.pk, seen_state=None)
    registry.get_handler("CON03").apply(case, people["teller"])
    assert AssessmentBill.objects.filter(kind=BillKind.BACK_PAYMENT).count() == 1


def test_con03_late_fee_capped_at_principal(people):
    employer = md.employer(registered_on=dt.date(2020, 1, 1))
    md.employee(employer_obj=employer, person_obj=md.person(), start=dt.date(2020, 1, 1))
    case = save(
        "CON03",
        {**BACKPAY, "period_from": "2020-01", "period_to": "2020-01", "paid_date": "2026-04-29"},
        people,
    )
    month = case.figures["months"][0]
    assert month["days_late"] == 2265  # 2020-02-15 → 2026-04-29: 113 % > 100 %
    assert month["capped"] is True
    assert month["late_fee"] == month["principal"]


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"period_to": "2099-01"}, "period_to", "本月或以后"),
        ({"period_from": "2019-12", "period_to": "2020-01"}, "period_from", "早于单位参保登记"),
        ({"period_from": "2026-03", "period_to": "2026-02"}, "period_from", "不能晚于"),
        ({"monthly_wage": "-1"}, "monthly_wage", "负数"),
        ({"monthly_wage": "x"}, "monthly_wage", "数字"),
        ({"period_from": "2026-13"}, "period_from", "YYYY-MM"),
    ],
)
def test_con03_bad_input(people, staffed, change, field, fragment):
    with pytest.raises(ValidationError) as info:
        save("CON03", {**BACKPAY, **change}, people)
    assert any(fragment in m for m in info.value.message_dict[field])
    assert not AssessmentBill.objects.exists()


def test_con03_month_already_assessed(people, staffed):
    employer, (a, _b, _c) = staffed
    con.base_declare(
        actor=None,
        person_id=a.pk,
        employer_id=employer.pk,
        year=2026,
        declared_wage="5000",
        region="222424",
    )
    con.bill_generate_employer(actor=None, employer_id=employer.pk, period=dt.date(2026, 2, 1))
    with pytest.raises(ValidationError) as info:
        save("CON03", BACKPAY, people)
    assert "已有核定记录（2026-02）" in info.value.message_dict["period_from"][0]


REFUND = {
    "uscc": md.USCC_A,
    "amount": "80.00",
    "reason": "重复缴费",
    "bank_account": "6222000011112222",
}


def test_con04_refund_recorded_for_payment(people):
    employer = md.employer()
    md.overpay(employer)
    case = casework.complete("CON04", REFUND, **people)
    refund = Refund.objects.get()
    assert refund.amount == D("80.00") and refund.case == case and refund.status == "recorded"
    assert dict(case.figures["summary"])["overpaid_available"] == "100.00"
    assert set(case.signed_roles()) == {"leader", "finance"}
    assert selectors.overpaid_available(employer_id=employer.pk) == D("20.00")


def test_con04_refund_larger_than_overpaid(people):
    md.overpay(md.employer())
    with pytest.raises(ValidationError) as info:
        save("CON04", {**REFUND, "amount": "100.01"}, people)
    assert "超过可退的多缴金额 100.00 元" in info.value.message_dict["amount"][0]
    assert not Refund.objects.exists()


def test_con04_refund_rechecked_at_completion(people):
    employer = md.employer()
    md.overpay(employer)
    case = casework.intake("CON04", REFUND, teller=people["teller"], window=people["window"])
    casework.approve(
        case, teller=people["teller"], reviewer=people["reviewer"], signers=people["signers"]
    )
    con.refund_record(actor=None, employer_id=employer.pk, amount="50", reason="另案")
    with pytest.raises(ValidationError):
        services.case_complete(actor=people["teller"], case_id=case.pk, seen_state=None)
    assert Refund.objects.count() == 1


def test_person_registered_once_across_cases(people):
    casework.complete("CON02", FLEX, **people)
    reg.person_close_enrollments(
        actor=None, person_id=InsuredPerson.objects.get().pk, on=dt.date(2026, 3, 31), reason="就业"
    )
    md.employer()
    casework.complete(
        "REG04",
        {
            "uscc": md.USCC_A,
            "id_number": md.ID_FEMALE,
            "name": "李四",
            "retirement_category": "female_55",
            "start": "2026-04-01",
            "starting_wage": "4000",
        },
        **people,
    )
    assert InsuredPerson.objects.count() == 1


def test_missing_parameter_is_a_field_message(people):
    employer = md.employer(registered_on=dt.date(2015, 1, 1))
    md.employee(employer_obj=employer, person_obj=md.person(), start=dt.date(2015, 1, 1))
    with pytest.raises(ValidationError) as info:
        save("CON03", {**BACKPAY, "period_from": "2015-01", "period_to": "2015-01"}, people)
    assert "缺少政策参数 base.avg_wage" in info.value.message_dict["period_from"][0]
