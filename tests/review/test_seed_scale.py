"""manage.py seed_scale at a tiny size (PostgreSQL: it writes with COPY)."""

import io
from collections import Counter as Tally

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from contributions.models import AssessmentBill, Contribution
from counterhall import audit
from counterhall.models import (
    AuditEntry,
    AuditSeal,
    BusinessType,
    Case,
    CaseState,
    Hall,
    StaffProfile,
    Visit,
    VisitRating,
)
from counterhall.models.case import OPEN_STATES
from counterhall.permissions import WORK_AT_WINDOW
from registration.models import Employer, InsuredPerson
from registration.validators import validate_resident_id, validate_uscc
from tests.counterhall.test_demo_month import _times_are_in_order

pytestmark = pytest.mark.django_db


def test_refuses_without_postgresql():
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is for other databases")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("seed_scale", halls=1, cases=10, stdout=io.StringIO())


def test_tiny_province(postgres_only):
    out = io.StringIO()
    call_command("seed_scale", halls=2, cases=600, years=0.5, seed=3, stdout=out)
    assert "audit entries" in out.getvalue()

    halls = list(Hall.objects.filter(code__startswith="S"))
    assert len(halls) == 2
    for hall in halls:
        staff = StaffProfile.objects.filter(hall=hall).select_related("user")
        tellers = [s.user for s in staff if s.user.username.split("-")[1].startswith("t")]
        assert tellers
        window = hall.windows.get(number=1)
        assert tellers[0].has_perm(WORK_AT_WINDOW, window) or any(
            t.has_perm(WORK_AT_WINDOW, window) for t in tellers
        )

    cases = Case.objects.filter(hall__in=halls)
    total = cases.count()
    assert 400 <= total <= 800
    codes = set(cases.values_list("business_type__code", flat=True))
    assert codes == set(BusinessType.objects.values_list("code", flat=True))  # all 19
    states = Tally(cases.values_list("state", flat=True))
    assert set(states) <= set(CaseState.values)
    assert states[CaseState.COMPLETED] / total > 0.6
    for state in (CaseState.REJECTED, CaseState.WITHDRAWN, CaseState.AWAITING_DOCUMENTS):
        assert states[state], state
    assert cases.filter(round_trips__gt=0).exists()
    today = timezone.localdate()
    assert cases.filter(state__in=OPEN_STATES, promised_deadline__lt=today).exists()
    # special business at the special window only, each case in its hall's region
    for case in cases.select_related("window", "business_type", "person", "employer", "hall")[:200]:
        assert case.window.is_special == case.business_type.is_special
        assert case.window.hall_id == case.hall_id
        subject = case.person or case.employer
        assert subject is not None and subject.region == case.hall.region
    _times_are_in_order(halls[0])

    assert Visit.objects.filter(hall__in=halls).count() > total * 0.8
    assert VisitRating.objects.filter(visit__hall__in=halls).exists()

    persons = InsuredPerson.objects.filter(region__in=[h.region for h in halls])
    assert persons.exists()
    for person in persons[:50]:
        validate_resident_id(person.id_number)
    for employer in Employer.objects.filter(region__in=[h.region for h in halls])[:20]:
        validate_uscc(employer.uscc)
    assert Contribution.objects.filter(person__in=persons).count() == persons.count() * 12
    bill = AssessmentBill.objects.filter(employer__region=halls[0].region).first()
    assert bill.principal == sum(
        c.employer_amount + c.individual_amount for c in bill.contributions.all()
    )

    result = audit.verify()
    assert result.ok, result.problems
    assert result.entries == AuditEntry.objects.count() > total * 5
    assert result.seals == AuditSeal.objects.count() > 50
    last_state = {}
    for target_id, after in (
        AuditEntry.objects.filter(target_type="counterhall.case")
        .exclude(after__state=None)
        .order_by("at", "pk")
        .values_list("target_id", "after")
    ):
        last_state[int(target_id)] = after["state"]
    assert last_state == dict(cases.values_list("pk", "state"))


def test_a_second_province_refuses_the_same_codes(postgres_only):
    call_command("seed_scale", halls=1, cases=20, years=0.05, stdout=io.StringIO())
    with pytest.raises(CommandError, match="prefix"):
        call_command("seed_scale", halls=1, cases=20, years=0.05, stdout=io.StringIO())
    call_command("seed_scale", halls=1, cases=20, years=0.05, prefix="T", stdout=io.StringIO())
    assert audit.verify().ok
