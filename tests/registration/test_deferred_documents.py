"""容缺受理 on REG01 (bank account details deferrable): submit with a promise, the reminder,
the flag once the date has passed, and the document brought later."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from counterhall import selectors, services
from counterhall.models import Case, CaseState
from tests import casework
from tests.registration.test_handlers import REG01_DATA

pytestmark = pytest.mark.django_db


def deferred_case(teller, window):
    case = casework.open_case("REG01", teller=teller, window=window)
    codes = [d.code for d in case.business_type.documents.all() if d.code != "bank_account"]
    promised = timezone.localdate() + dt.timedelta(days=7)
    services.case_set_documents(
        actor=teller,
        case_id=case.pk,
        seen_state=None,
        received=codes,
        deferred={"bank_account": promised},
    )
    services.case_save_application(
        actor=teller, case_id=case.pk, seen_state=None, data={**REG01_DATA, "bank_account": ""}
    )
    return services.case_submit(actor=teller, case_id=case.pk, seen_state=None)


def test_submit_with_a_deferred_document_carries_a_reminder(client, teller, window):
    case = deferred_case(teller, window)
    assert case.state == CaseState.SUBMITTED
    assert case.documents_due == timezone.localdate() + dt.timedelta(days=7)
    assert not case.documents_overdue
    client.force_login(teller)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert 'id="documents-reminder"' in page
    receipt = client.get(reverse("case-print", args=[case.pk, "receipt"])).content.decode()
    assert "容缺受理" in receipt


def test_flagged_when_the_promise_date_passes_and_cleared_when_brought(client, teller, window):
    case = deferred_case(teller, window)
    past = timezone.localdate() - dt.timedelta(days=1)
    Case.objects.filter(pk=case.pk).update(documents_due=past)  # time has passed
    case.refresh_from_db()
    assert case.documents_overdue
    assert list(selectors.cases_with_overdue_documents(user=teller)) == [case]
    client.force_login(teller)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert 'id="documents-overdue"' in page
    client.post(reverse("case-receive-deferred", args=[case.pk]), {"code": "bank_account"})
    case.refresh_from_db()
    assert case.documents["bank_account"]["status"] == "received"
    assert case.documents_due is None and not case.documents_overdue


def test_only_deferred_documents_can_be_brought_later(teller, window):
    case = deferred_case(teller, window)
    with pytest.raises(ValidationError):
        services.case_receive_deferred(actor=teller, case_id=case.pk, codes=["employer_form"])


def test_non_deferrable_document_cannot_be_deferred(teller, window):
    case = casework.open_case("REG01", teller=teller, window=window)
    with pytest.raises(ValidationError) as info:
        services.case_set_documents(
            actor=teller,
            case_id=case.pk,
            seen_state=None,
            received=[],
            deferred={"business_licence": timezone.localdate()},
        )
    assert "不能容缺受理" in str(info.value)
