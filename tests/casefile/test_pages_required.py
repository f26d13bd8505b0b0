"""Where the hall requires scanned pages (the dated parameter casefile.pages_required), a
received document without a page blocks submission — unless the catalogue marks it
page_optional; before the date, or without the parameter, pages are not required."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from counterhall import services
from counterhall.models import CaseState, PolicyParameter, RequiredDocument
from counterhall.pages import PAGES_REQUIRED_KEY, pages_required
from review import services as review_services
from tests import factories
from tests.casefile import files

pytestmark = pytest.mark.django_db


def require_pages(hall, *, starting):
    PolicyParameter.objects.create(
        region=hall.region,
        key=PAGES_REQUIRED_KEY,
        value=True,
        effective_from=starting,
        tag="practice",
    )


@pytest.fixture
def draft(test_types, teller, window):
    return factories.ready_case(teller=teller, window=window, business_type=test_types.general)


def test_without_the_parameter_pages_are_not_required(draft, teller):
    services.case_submit(actor=teller, case_id=draft.pk, seen_state=None)
    draft.refresh_from_db()
    assert draft.state == CaseState.SUBMITTED


def test_a_received_document_without_a_page_blocks_submission(hall, draft, teller):
    require_pages(hall, starting=timezone.localdate())
    with pytest.raises(ValidationError, match="尚未扫描页面：要件 form、要件 id"):
        services.case_submit(actor=teller, case_id=draft.pk, seen_state=None)
    services.case_pages_add(
        actor=teller, case_id=draft.pk, document_code="form", files=[files.jpeg()]
    )
    with pytest.raises(ValidationError, match="尚未扫描页面：要件 id。"):
        services.case_submit(actor=teller, case_id=draft.pk, seen_state=None)
    RequiredDocument.objects.filter(business_type=draft.business_type, code="id").update(
        page_optional=True
    )
    services.case_submit(actor=teller, case_id=draft.pk, seen_state=None)
    draft.refresh_from_db()
    assert draft.state == CaseState.SUBMITTED


def test_the_parameter_counts_from_its_date(hall):
    today = timezone.localdate()
    require_pages(hall, starting=today + dt.timedelta(days=1))
    assert not pages_required(region=hall.region, on=today)
    assert pages_required(region=hall.region, on=today + dt.timedelta(days=1))


def test_resubmission_also_needs_the_pages(hall, draft, teller, reviewer):
    services.case_submit(actor=teller, case_id=draft.pk, seen_state=None)
    review_services.case_claim(actor=reviewer, case_id=draft.pk, seen_state=None)
    review_services.case_return(
        actor=reviewer, case_id=draft.pk, seen_state=None, reasons=["请扫描要件"]
    )
    require_pages(hall, starting=timezone.localdate())
    with pytest.raises(ValidationError, match="尚未扫描页面"):
        services.case_resubmit(actor=teller, case_id=draft.pk, seen_state=None)
    for code in ("form", "id"):
        services.case_pages_add(
            actor=teller,
            case_id=draft.pk,
            document_code=code,
            files=[files.png()],
            reason="补扫",
        )
    services.case_resubmit(actor=teller, case_id=draft.pk, seen_state=None)
    draft.refresh_from_db()
    assert draft.state == CaseState.SUBMITTED
