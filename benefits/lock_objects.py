"""Row locks of benefits' aggregates: a person's unemployment claims (after the case and the
person, docs/architecture.md "Concurrency"; several claims of one person in pk order)."""

from __future__ import annotations

from django.db.models import QuerySet

from benefits.models import UnemploymentClaim


def lock_unemployment_claim(pk: int) -> UnemploymentClaim:
    return UnemploymentClaim.objects.select_for_update().get(pk=pk)


def lock_unemployment_claims(**filters) -> QuerySet[UnemploymentClaim]:
    """A person's claims matching ``filters`` (e.g. ``person=…, pk__in=…``), locked in pk
    order when evaluated."""
    return UnemploymentClaim.objects.select_for_update().filter(**filters).order_by("pk")
