"""A hall changes only the master data of its own region: a hall in Yanji (222401) can
neither see nor change a Wangqing (222424) employer."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from counterhall import services
from counterhall.models import Case, CaseState
from counterhall.permissions import DENIED_OTHER_REGION
from counterhall.roles import Role
from registration.models import Employer
from tests import casework, factories
from tests import masterdata as md

pytestmark = pytest.mark.django_db


@pytest.fixture
def yanji():
    hall = factories.HallFactory(code="YJ", name="延吉大厅", region="222401")
    window = factories.WindowFactory(hall=hall, number=1)
    return {
        "teller": factories.UserFactory(
            username="yj-t", roles=[Role.TELLER], hall=hall, windows=[window]
        ),
        "window": window,
        "reviewer": factories.UserFactory(username="yj-r", roles=[Role.REVIEWER], hall=hall),
    }


CHANGE = {"uscc": md.USCC_A, "address": "延吉市新址 1 号"}


def test_reg02_other_region_employer_refused_at_the_field(yanji):
    employer = md.employer()
    with pytest.raises(ValidationError) as info:
        casework.complete("REG02", CHANGE, **yanji)
    assert str(DENIED_OTHER_REGION) in info.value.message_dict["uscc"]
    employer.refresh_from_db()
    assert employer.address == ""


def test_reg02_other_region_payload_refused_at_submit(yanji):
    employer = md.employer()
    case = casework.open_case("REG02", teller=yanji["teller"], window=yanji["window"])
    services.case_set_documents(
        actor=yanji["teller"],
        case_id=case.pk,
        seen_state=None,
        received=[d.code for d in case.business_type.documents.all()],
    )
    Case.objects.filter(pk=case.pk).update(payload=CHANGE)  # saved before the check existed
    with pytest.raises(ValidationError):
        services.case_submit(actor=yanji["teller"], case_id=case.pk, seen_state=None)
    assert Case.objects.get(pk=case.pk).state == CaseState.DRAFT
    assert Employer.objects.get(pk=employer.pk).address == ""


def test_intake_lookup_does_not_show_another_regions_records(client, yanji):
    employer = md.employer()
    md.person()
    client.force_login(yanji["teller"])
    for query in (md.USCC_A, md.ID_MALE):
        body = client.post(reverse("case-open-subject"), {"subject": query}).content.decode()
        assert str(DENIED_OTHER_REGION) in body
        assert employer.name not in body and "张三" not in body
