"""PostgreSQL: two refunds or two account debits at once never take more than there is.

Each thread waits after reading the available amount until the other has read it too (or
a short while has passed): without a row lock both read the same amount and both write."""

import contextlib
import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from contributions import selectors
from contributions import services as con
from contributions.models import AccountEntry, AccountEntryKind, Refund
from tests import masterdata as md
from tests.threads import in_threads

D = Decimal


def _read_together(monkeypatch, name):
    """Make ``selectors.<name>`` hold each reader until both have read (or 3 s passed)."""
    real = getattr(selectors, name)
    barrier = threading.Barrier(2, timeout=3)

    def read(**kwargs):
        value = real(**kwargs)
        # broken: the other thread is waiting for our lock and reads after we commit
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return value

    monkeypatch.setattr(selectors, name, read)


@pytest.mark.django_db(transaction=True)
def test_two_refunds_at_once_never_exceed_the_overpaid_amount(
    postgres_only, reference_data, monkeypatch
):
    employer = md.employer()
    md.overpay(employer)  # 100.00 overpaid
    _read_together(monkeypatch, "overpaid_available")

    results, errors = in_threads(
        2,
        lambda i: con.refund_record(
            actor=None, employer_id=employer.pk, amount="80", reason=f"退费 {i}"
        ),
    )

    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert Refund.objects.count() == 1
    monkeypatch.undo()
    assert selectors.overpaid_available(employer_id=employer.pk) == D("20.00")


@pytest.mark.django_db(transaction=True)
def test_two_debits_at_once_never_overdraw_the_account(postgres_only, reference_data, monkeypatch):
    person = md.person()
    con.account_post(
        actor=None,
        person_id=person.pk,
        kind=AccountEntryKind.TRANSFER_IN,
        amount="100",
        on=dt.date(2026, 1, 5),
    )
    _read_together(monkeypatch, "account_balance")

    results, errors = in_threads(
        2,
        lambda i: con.account_post(
            actor=None,
            person_id=person.pk,
            kind=AccountEntryKind.PAYOUT,
            amount="-80",
            on=dt.date(2026, 2, 1),
        ),
    )

    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert AccountEntry.objects.filter(person=person).count() == 2
    monkeypatch.undo()
    assert selectors.account_balance(person_id=person.pk) == D("20.00")
