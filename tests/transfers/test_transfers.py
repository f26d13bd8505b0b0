"""TRF01 transfer-out with the certificate, TRF02 transfer-in without double-counting, TRF03
unemployment-insurance transfer."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from benefits import selectors as benefit_selectors
from benefits.models import ClaimStatus, UnemploymentClaim
from contributions import selectors as contributions
from contributions.models import CreditedMonth
from counterhall import services
from registration import services as registration
from registration.models import PersonStatus
from review import services as review_services
from tests import casework
from tests.benefits import builders as b
from transfers.models import PensionTransferIn, PensionTransferOut

D = dt.date


@pytest.fixture
def employer(db):
    return b.employer()


LEFT_ON = D(2025, 1, 31)


def left_job(employer, *, months=12, name="转移", end=LEFT_ON):
    """A person with ``months`` paid months from 2024-01 at base 5,000 who left the job on
    ``end``."""
    person = b.person(birth=D(1985, 5, 5), name=name)
    registration.employee_enroll(
        actor=None, employer_id=employer.pk, person_id=person.pk, start=D(2024, 1, 1)
    )
    b.paid_months(employer_obj=employer, person_obj=person, first=D(2024, 1, 1), months=months)
    registration.employee_separate(
        actor=None,
        employer_id=employer.pk,
        person_id=person.pk,
        end=end,
        reason="contract_end",
    )
    return person


def out_data(person, region="210200"):
    return {
        "id_number": person.id_number,
        "receiving_agency": "大连市社会保险事业管理中心",
        "receiving_region": region,
    }


# --------------------------------------------------------------------------- TRF01


def test_transfer_out_certificate_amounts_and_relationship_end(
    client, teller, window, reviewer, employer
):
    person = left_job(employer)
    case = b.ready(teller=teller, window=window, code="TRF01", data=out_data(person))
    f = case.figures
    assert f["years"][0]["year"] == 2024
    assert f["years"][0]["months"] == 12
    assert f["years"][0]["wage_total"] == "60000.00"
    # account: 8 % × 5,000 × 12 = 4,800; pooled: 12 % × 60,000 = 7,200
    assert f["amounts"] == {
        **f["amounts"],
        "account_transfer": "4800.00",
        "pooled_transfer": "7200.00",
        "total": "12000.00",
    }
    assert f["funds_move"] is True
    case = services.case_submit(actor=teller, case_id=case.pk, seen_state=None)
    assert case.is_immediate is False
    assert case.promised_deadline is not None  # 15 working days
    client.force_login(teller)
    page = client.get(f"/transfers/cases/{case.pk}/certificate/")
    assert page.status_code == 200
    assert "参保缴费凭证" in page.content.decode()
    assert "60000.00" in page.content.decode()
    case = review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
    case = review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)
    case = services.case_complete(actor=teller, case_id=case.pk, seen_state=None)
    person.refresh_from_db()
    assert person.status == PersonStatus.TRANSFERRED_OUT
    record = PensionTransferOut.objects.get(case=case)
    assert record.total == Decimal("12000.00")
    assert contributions.account_balance(person_id=person.pk) == Decimal("0.00")


def test_transfer_within_the_province_moves_the_record_only(teller, window, reviewer, employer):
    person = left_job(employer)
    case = b.completed(
        teller=teller,
        window=window,
        reviewer=reviewer,
        code="TRF01",
        data=out_data(person, "220100"),
    )
    assert case.figures["funds_move"] is False
    assert contributions.account_balance(person_id=person.pk) == Decimal("4800.00")


def test_transfer_out_with_an_open_case_of_another_kind_is_refused(teller, window, employer):
    person = left_job(employer)
    other = casework.open_case("BEN04", teller=teller, window=window, person=person)
    errors = casework.application_errors("TRF01", out_data(person), teller=teller, window=window)
    assert other.number in errors["id_number"][0]
    assert "请先办结或撤回" in errors["id_number"][0]


def test_transfer_out_while_still_employed_is_refused(teller, window, employer):
    person = b.person(birth=D(1985, 5, 5), name="在职")
    registration.employee_enroll(
        actor=None, employer_id=employer.pk, person_id=person.pk, start=D(2024, 1, 1)
    )
    errors = casework.application_errors("TRF01", out_data(person), teller=teller, window=window)
    assert "仍在本地参保缴费" in errors["id_number"][0]


# --------------------------------------------------------------------------- TRF02


def in_data(person, periods="2010-01 2019-12 4000", account="46000", pooled="57600"):
    return {
        "id_number": person.id_number,
        "sending_agency": "大连市社会保险事业管理中心",
        "sending_region": "210200",
        "periods": periods,
        "account_amount": account,
        "pooled_amount": pooled,
    }


def test_transfer_in_merges_months_and_balance(teller, window, reviewer, employer):
    person = left_job(employer)
    case = b.ready(teller=teller, window=window, code="TRF02", data=in_data(person))
    assert case.figures["month_count"] == 120
    assert case.figures["expected_pooled"] == "57600.00"
    assert case.figures["pooled_difference"] == "0.00"
    assert not CreditedMonth.objects.exists()
    case = services.case_submit(actor=teller, case_id=case.pk, seen_state=None)
    case = review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
    case = review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)
    case = services.case_complete(actor=teller, case_id=case.pk, seen_state=None)
    assert CreditedMonth.objects.filter(person=person).count() == 120
    assert PensionTransferIn.objects.get(case=case).months == 120
    assert contributions.account_balance(person_id=person.pk) == Decimal("50800.00")
    assert contributions.contribution_months(person) == 132


def test_transfer_in_overlapping_months_is_refused_with_the_months(teller, window, employer):
    person = left_job(employer)
    errors = casework.application_errors(
        "TRF02", in_data(person, "2023-07 2024-03 4000"), teller=teller, window=window
    )
    message = errors["periods"][0]
    assert "2024-01～2024-03" in message
    assert "共 3 个月" in message
    assert not CreditedMonth.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"account_amount": "-1"}, "account_amount", "不能为负数"),
        ({"periods": "2010/01 2019-12 4000"}, "periods", "格式有误"),
        ({"periods": "2012-01 2011-12 4000"}, "periods", "截止月早于起始月"),
        ({"periods": "2010-01 2010-12 4000\n2010-06 2011-06 4000"}, "periods", "重复"),
        ({"sending_region": "222424"}, "sending_region", "不能是本地"),
    ],
)
def test_bad_transfer_in_input_is_refused(teller, window, employer, change, field, text):
    person = left_job(employer)
    errors = casework.application_errors(
        "TRF02", {**in_data(person), **change}, teller=teller, window=window
    )
    assert text in " ".join(errors[field])


# --------------------------------------------------------------------------- TRF03


def unemployed_drawing(teller, window, reviewer, employer):
    registered = b.years_ago(0, 2)  # two months drawn by now
    # within the claim window after the contract ended
    person = left_job(employer, name="失业转移", end=registered - dt.timedelta(days=5))
    b.completed(
        teller=teller,
        window=window,
        reviewer=reviewer,
        code="BEN03",
        data={"id_number": person.id_number, "registration_date": registered.isoformat()},
    )
    return person


def test_unemployment_transfer_out_moves_the_remaining_months(teller, window, reviewer, employer):
    person = unemployed_drawing(teller, window, reviewer, employer)
    remaining, _claims = benefit_selectors.remaining_entitlement(person, on=b.years_ago(0))
    assert remaining == 10
    case = b.completed(
        teller=teller,
        window=window,
        reviewer=reviewer,
        code="TRF03",
        data={
            "id_number": person.id_number,
            "direction": "out",
            "other_agency": "长春市就业服务局",
        },
    )
    assert case.figures["months"] == remaining
    assert UnemploymentClaim.objects.get(person=person).status == ClaimStatus.TRANSFERRED_OUT


def test_unemployment_transfer_in_keeps_months_for_a_later_claim(
    teller, window, reviewer, employer
):
    person = left_job(employer, name="转入")
    b.completed(
        teller=teller,
        window=window,
        reviewer=reviewer,
        code="TRF03",
        data={
            "id_number": person.id_number,
            "direction": "in",
            "other_agency": "长春市就业服务局",
            "months": "8",
        },
    )
    assert benefit_selectors.unused_months(person, on=D(2025, 2, 5)) == 8
    case = b.ready(
        teller=teller,
        window=window,
        code="BEN03",
        data={"id_number": person.id_number, "registration_date": "2025-02-05"},
    )
    assert case.figures["entitlement_months"] == 20


def test_unemployment_transfer_bad_input_is_refused(teller, window, employer):
    person = left_job(employer)
    errors = casework.application_errors(
        "TRF03",
        {"id_number": person.id_number, "direction": "out", "other_agency": "x"},
        teller=teller,
        window=window,
    )
    assert "没有可转移" in errors["id_number"][0]
    errors = casework.application_errors(
        "TRF03",
        {"id_number": person.id_number, "direction": "in", "other_agency": "x", "months": "30"},
        teller=teller,
        window=window,
    )
    assert "1 至 24" in errors["months"][0]


@pytest.fixture
def unseen_teller(db):
    """A teller of another hall of the same region: their cases stay invisible here (any
    window of one hall reads the hall's general cases, never another hall's)."""
    from tests import factories

    hall = factories.HallFactory(code="OT", region="222424")
    window = factories.WindowFactory(hall=hall, number=1)
    teller = factories.UserFactory(username="ot1", roles=["teller"], hall=hall, windows=[window])
    return teller, window


def test_transfer_out_refusal_names_only_the_cases_the_teller_may_see(
    teller, window, unseen_teller, employer
):
    person = left_job(employer)
    own = casework.open_case("BEN04", teller=teller, window=window, person=person)
    special = casework.open_case(
        "BEN02", teller=unseen_teller[0], window=unseen_teller[1], person=person
    )
    message = casework.application_errors("TRF01", out_data(person), teller=teller, window=window)[
        "id_number"
    ][0]
    assert own.number in message
    assert special.number not in message
    assert "BEN02" not in message
    assert "弹性提前" not in message
    assert "无权查看" in message
    assert "请先办结或撤回" in message


def test_transfer_out_blocked_only_by_unseen_cases_names_none(
    teller, window, unseen_teller, employer
):
    person = left_job(employer)
    special = casework.open_case(
        "BEN02", teller=unseen_teller[0], window=unseen_teller[1], person=person
    )
    message = casework.application_errors("TRF01", out_data(person), teller=teller, window=window)[
        "id_number"
    ][0]
    assert special.number not in message
    assert "BEN02" not in message
    assert "无权查看" in message


def transfer_in(teller, window, reviewer, person, months):
    return b.completed(
        teller=teller,
        window=window,
        reviewer=reviewer,
        code="TRF03",
        data={
            "id_number": person.id_number,
            "direction": "in",
            "other_agency": "长春市就业服务局",
            "months": str(months),
        },
    )


def transfer_out_approved(teller, window, reviewer, person):
    return b.approved(
        teller=teller,
        window=window,
        reviewer=reviewer,
        code="TRF03",
        data={"id_number": person.id_number, "direction": "out", "other_agency": "延边州就业局"},
    )


def test_unemployment_transfer_out_moves_the_frozen_months_only(teller, window, reviewer, employer):
    # given 8 months received and a transfer-out of them approved
    person = left_job(employer, name="冻结")
    transfer_in(teller, window, reviewer, person, 8)
    out = transfer_out_approved(teller, window, reviewer, person)
    assert out.figures["months"] == 8
    # when 5 more months arrive before the transfer-out is completed
    later = transfer_in(teller, window, reviewer, person, 5)
    services.case_complete(actor=teller, case_id=out.pk, seen_state=None)
    # then only the decided 8 months left; the 5 stay here
    from transfers.models import UnemploymentTransfer

    assert UnemploymentTransfer.objects.get(case=out).months == 8
    kept = UnemploymentClaim.objects.get(case=later)
    assert kept.status == ClaimStatus.TRANSFERRED_IN
    assert benefit_selectors.unused_months(person, on=b.years_ago(0)) == 5


def test_unemployment_transfer_out_is_refused_when_its_months_are_gone(
    teller, window, reviewer, employer
):
    person = left_job(employer, name="已转")
    transfer_in(teller, window, reviewer, person, 8)
    first = transfer_out_approved(teller, window, reviewer, person)
    second = transfer_out_approved(teller, window, reviewer, person)
    services.case_complete(actor=teller, case_id=first.pk, seen_state=None)
    with pytest.raises(ValidationError) as exc:
        services.case_complete(actor=teller, case_id=second.pk, seen_state=None)
    assert "不能按核定的 8 个月转出" in exc.value.messages[0]
    second.refresh_from_db()
    assert second.state == "approved"


# --------------------------------------------------------------------------- months used once


def claim_merging_received_months(teller, window, reviewer, employer):
    person = left_job(employer, name="合并")
    received = transfer_in(teller, window, reviewer, person, 8)
    claim = b.approved(
        teller=teller,
        window=window,
        reviewer=reviewer,
        code="BEN03",
        data={"id_number": person.id_number, "registration_date": "2025-02-05"},
    )
    assert claim.figures["merged_months"] == 8
    assert claim.figures["entitlement_months"] == 20
    return person, UnemploymentClaim.objects.get(case=received), claim


def test_a_claim_is_refused_when_its_merged_months_moved_away(teller, window, reviewer, employer):
    from benefits import services as benefit_services

    person, received, claim = claim_merging_received_months(teller, window, reviewer, employer)
    # the months leave by a transfer-out that got past the intake checks
    benefit_services.unemployment_transfer_out(
        actor=teller,
        case=claim,
        person=person,
        on=D(2025, 2, 5),
        agency="延边州就业局",
        claim_ids=[received.pk],
        months=8,
    )
    with pytest.raises(ValidationError) as exc:
        services.case_complete(actor=teller, case_id=claim.pk, seen_state=None)
    assert "不能再合并" in exc.value.messages[0]
    assert not UnemploymentClaim.objects.filter(case=claim).exists()


def test_unemployment_transfer_out_waits_for_an_open_claim(teller, window, reviewer, employer):
    person, _received, claim = claim_merging_received_months(teller, window, reviewer, employer)
    errors = casework.application_errors(
        "TRF03",
        {"id_number": person.id_number, "direction": "out", "other_agency": "延边州就业局"},
        teller=teller,
        window=window,
    )
    assert claim.number in errors["id_number"][0]
    assert "请先办结或撤回" in errors["id_number"][0]


def test_a_claim_waits_for_an_open_unemployment_transfer_out(teller, window, reviewer, employer):
    person = left_job(employer, name="待转出")
    transfer_in(teller, window, reviewer, person, 8)
    transfer_out_approved(teller, window, reviewer, person)
    errors = casework.application_errors(
        "BEN03",
        {"id_number": person.id_number, "registration_date": "2025-02-05"},
        teller=teller,
        window=window,
    )
    assert "失业保险关系转出" in errors["id_number"][0]
