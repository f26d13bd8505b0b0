"""Row locks of registration's aggregates. Order (docs/architecture.md "Concurrency"): the
case first (counterhall.lock_objects), then the employer, then the person, then an
employment spell of theirs. Other apps lock an employer or a person through these."""

from __future__ import annotations

from registration.models import Employer, Employment, InsuredPerson


def lock_employer(pk: int) -> Employer:
    return Employer.objects.select_for_update().get(pk=pk)


def lock_person(pk: int) -> InsuredPerson:
    return InsuredPerson.objects.select_for_update().get(pk=pk)


def lock_open_employment(*, employer_id: int, person_id: int) -> Employment | None:
    """The person's open employment spell at the employer, locked (None if there is none)."""
    return (
        Employment.objects.select_for_update()
        .select_related("employer", "person")
        .filter(employer_id=employer_id, person_id=person_id, end__isnull=True)
        .first()
    )
