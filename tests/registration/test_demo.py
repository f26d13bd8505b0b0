"""The demo builders: master data and cases in several states, idempotent."""

import pytest

from contributions.models import AssessmentBill
from counterhall import demo
from counterhall.models import Case
from registration.models import Employer, InsuredPerson

pytestmark = pytest.mark.django_db


def test_demo_is_built_through_the_services_and_idempotent():
    demo.seed()
    counts = (
        Employer.objects.count(),
        InsuredPerson.objects.count(),
        Case.objects.count(),
        AssessmentBill.objects.count(),
    )
    demo.seed()
    assert counts == (
        Employer.objects.count(),
        InsuredPerson.objects.count(),
        Case.objects.count(),
        AssessmentBill.objects.count(),
    )
    states = set(Case.objects.values_list("state", flat=True))
    assert {
        "draft",
        "awaiting_documents",
        "submitted",
        "in_review",
        "returned",
        "approved",
        "completed",
        "awaiting_signoff",
    } <= states
    assert Employer.objects.filter(uscc="91222424MA0Y12375X").exists()  # the completed REG01


def test_master_data_admin_is_read_only(client):
    users = demo.seed()["users"]
    client.force_login(users["admin"])
    for name in (
        "registration/employer",
        "registration/insuredperson",
        "contributions/assessmentbill",
    ):
        response = client.get(f"/admin/{name}/")
        assert response.status_code == 200
        assert "222424196503151234" not in response.content.decode()
    assert client.get("/admin/registration/employer/add/").status_code == 403
