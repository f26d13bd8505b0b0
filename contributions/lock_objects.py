"""Row locks of contributions' aggregates: an assessment bill (after the employer or person
it bills, docs/architecture.md "Concurrency")."""

from __future__ import annotations

from contributions.models import AssessmentBill


def lock_bill(pk: int) -> AssessmentBill:
    return AssessmentBill.objects.select_for_update().get(pk=pk)
