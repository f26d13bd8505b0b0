"""SPC02 settling abroad (rules.md §1.7): the notice printed first, the signed confirmation,
payout only on loss of nationality, once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from contributions import selectors as contributions
from counterhall import services
from counterhall.models import CaseState
from registration.models import PersonStatus
from special_ops.models import Payout
from tests import casework
from tests.special_ops import builders as sb

D = dt.date


@pytest.fixture
def person(db):
    return sb.deceased(employer_obj=sb.b.employer())  # an employee with an account


def data(person, **overrides):
    values = {
        "id_number": person.id_number,
        "country": "加拿大",
        "nationality_lost": "on",
        "nationality_proof": "加拿大入籍证书 No. 12345",
        "confirmation_signed_on": timezone.localdate().isoformat(),
        "bank_account": "6222000011113333",
        "bank_name": "汪清农商银行",
    }
    values.update(overrides)
    return values


def opened(clerk, window, person=None):
    case = casework.open_case("SPC02", teller=clerk, window=window, person=person)
    services.case_set_documents(
        actor=clerk,
        case_id=case.pk,
        seen_state=None,
        received=[d.code for d in case.business_type.documents.all()],
    )
    return case


def print_notice(client, clerk, case):
    client.force_login(clerk)
    page = client.get(f"/special/cases/{case.pk}/abroad-notice/")
    assert page.status_code == 200
    return page.content.decode()


def save(clerk, case, payload):
    return services.case_save_application(
        actor=clerk, case_id=case.pk, seen_state=None, data=payload
    )


def errors(clerk, case, payload):
    with pytest.raises(ValidationError) as exc:
        save(clerk, case, payload)
    return exc.value.message_dict


def test_confirmation_needs_the_printed_notice(client, special_clerk, special_window, person):
    case = opened(special_clerk, special_window, person)
    e = errors(special_clerk, case, data(person))
    assert e["confirmation_signed_on"] == ["请先打印书面告知书，交申请人阅读并签字确认。"]
    notice = print_notice(client, special_clerk, case)
    assert "有权保留基本养老保险个人账户" in notice
    assert person.name in notice
    assert "统筹基金部分不予支付" in notice
    case = save(special_clerk, case, data(person))
    assert case.figures["account_total"] == case.figures["total"]


def test_without_loss_of_nationality_payout_refused(client, special_clerk, special_window, person):
    case = opened(special_clerk, special_window)
    print_notice(client, special_clerk, case)
    e = errors(special_clerk, case, data(person, nationality_lost="", nationality_proof=""))
    assert "未提供丧失中国国籍的证明" in e["nationality_proof"][0]
    assert "个人账户予以保留" in e["nationality_proof"][0]


def test_paid_once_after_review_and_signatures(
    client, special_clerk, special_window, reviewer, leader, finance, person
):
    balance = contributions.account_balance(person_id=person.pk)
    case = opened(special_clerk, special_window)
    print_notice(client, special_clerk, case)
    case = save(special_clerk, case, data(person))
    casework.approve(case, teller=special_clerk, reviewer=reviewer, signers=[leader, finance])
    case = services.case_complete(actor=special_clerk, case_id=case.pk, seen_state=None)
    assert case.state == CaseState.COMPLETED
    person.refresh_from_db()
    assert person.status == PersonStatus.TERMINATED
    assert contributions.account_balance(person_id=person.pk) == Decimal("0.00")
    (payout,) = Payout.objects.filter(person=person)
    assert payout.amount == Decimal(case.figures["account_total"]) >= balance
    assert payout.payee_name == person.name
    # a second application for the same person is refused with the first case's number
    sb.b.registration.person_set_status(actor=None, person_id=person.pk, status="active")
    second = opened(special_clerk, special_window)
    print_notice(client, special_clerk, second)
    e = errors(special_clerk, second, data(person))
    assert case.number in e["id_number"][0]


def test_notice_of_a_special_case_is_404_for_a_general_teller(
    client, special_clerk, special_window, teller, person
):
    case = opened(special_clerk, special_window)
    client.force_login(teller)
    assert client.get(f"/special/cases/{case.pk}/abroad-notice/").status_code == 404
