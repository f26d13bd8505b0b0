import datetime as dt

import pytest
from django.utils import timezone

from counterhall.models import Case, CaseState, DocumentStatus
from tests import factories


def load_return_reasons():
    import importlib

    from django.apps import apps

    importlib.import_module("review.migrations.0002_return_reasons").load(apps, None)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def return_reasons(db):
    load_return_reasons()


class Clock:
    """A controllable timezone.now() for figures that depend on elapsed time."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **kwargs):
        self.now += dt.timedelta(**kwargs)


@pytest.fixture
def clock(monkeypatch):
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(9, 0)))
    c = Clock(start)
    monkeypatch.setattr(timezone, "now", c)
    return c


def bulk_submitted(*, n, teller, window, business_type, immediate=True, start=None):
    """Queued cases created in bulk for volume tests: the field values a submit leaves
    (documents received, figures frozen, submitted_at and the promised date set)."""
    start = start or timezone.now() - dt.timedelta(hours=2)
    docs = {d.code: {"status": DocumentStatus.RECEIVED} for d in business_type.documents.all()}
    first = Case.objects.filter(number__contains="-BULK-").count() + 1
    rows = []
    for i in range(n):
        k = first + i
        rows.append(
            Case(
                number=f"{window.hall.code}-BULK-{k:07d}",
                hall=window.hall,
                window=window,
                business_type=business_type,
                teller=teller,
                state=CaseState.SUBMITTED,
                applicant_name=f"办事人{k}",
                payload={"amount": "100.00"},
                figures={"amount": "100.00", "double": "200.00", "parameters": []},
                documents=docs,
                is_immediate=immediate,
                promised_deadline=None if immediate else timezone.localdate() + dt.timedelta(7),
                submitted_at=start + dt.timedelta(seconds=i),
            )
        )
    return Case.objects.bulk_create(rows, batch_size=500)


@pytest.fixture
def submitted(teller, window, test_types):
    def make(business_type=None, **kwargs):
        return factories.submitted_case(
            teller=teller, window=window, business_type=business_type or test_types.general
        )

    return make
