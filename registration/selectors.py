"""Reads on registration master data, for pages, handlers and other apps."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from counterhall.models import AuditEntry
from registration.models import (
    EMPLOYEE_SCHEMES,
    FLEXIBLE_SCHEMES,
    INVOLUNTARY_REASONS,
    Employer,
    EmployerStatus,
    Employment,
    Enrollment,
    EnrollmentStatus,
    FlexibleWorker,
    InsuredPerson,
    PersonStatus,
    RetirementCategory,
    Scheme,
    SeparationReason,
    Sex,
)
from registration.services import deregistration_blockers, find_employer, find_person
from registration.validators import (
    bank_account_digits,
    clean_bank_account,
    mask_resident_id,
    normalize_resident_id,
    normalize_uscc,
    parse_resident_id,
    resident_id_check_char,
    validate_resident_id,
    validate_uscc,
)

# Re-exported for other apps, which import only registration.services / selectors.
__all__ = [
    "EMPLOYEE_SCHEMES",
    "FLEXIBLE_SCHEMES",
    "INVOLUNTARY_REASONS",
    "EmployerStatus",
    "PersonStatus",
    "RetirementCategory",
    "Scheme",
    "SeparationReason",
    "Sex",
    "active_employers",
    "active_enrollments",
    "bank_account_digits",
    "clean_bank_account",
    "deregistration_blockers",
    "employer_by_uscc",
    "employer_get",
    "employer_staff",
    "employer_summary",
    "employment_history",
    "enrolled_schemes",
    "find_employer",
    "find_person",
    "flexible_worker_get",
    "mask_resident_id",
    "normalize_resident_id",
    "normalize_uscc",
    "open_employment",
    "open_flexible_spell",
    "open_flexible_workers",
    "parse_resident_id",
    "person_by_id_number",
    "person_get",
    "person_history",
    "person_summary",
    "resident_id_check_char",
    "staff_in_period",
    "validate_resident_id",
    "validate_uscc",
]


def employer_by_uscc(uscc: str) -> Employer | None:
    return find_employer(uscc)


def person_by_id_number(id_number: str) -> InsuredPerson | None:
    return find_person(id_number)


def employer_staff(employer: Employer) -> QuerySet[Employment]:
    """The employer's current employees (open spells)."""
    return (
        Employment.objects.filter(employer=employer, end__isnull=True)
        .select_related("person")
        .order_by("person__name", "pk")
    )


def staff_in_period(employer: Employer, first: dt.date, last: dt.date) -> QuerySet[Employment]:
    """Spells of the employer that overlap [first, last]."""
    return (
        Employment.objects.filter(employer=employer, start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .select_related("person")
        .order_by("person__name", "pk")
    )


def open_employment(person: InsuredPerson) -> Employment | None:
    return (
        Employment.objects.filter(person=person, end__isnull=True)
        .select_related("employer")
        .first()
    )


def open_flexible_spell(person: InsuredPerson) -> FlexibleWorker | None:
    return FlexibleWorker.objects.filter(person=person, end__isnull=True).first()


def active_enrollments(person: InsuredPerson) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(person=person, status=EnrollmentStatus.ACTIVE).select_related(
        "employer"
    )


def employment_history(person: InsuredPerson) -> QuerySet[Employment]:
    return Employment.objects.filter(person=person).select_related("employer").order_by("start")


def employer_summary(employer: Employer) -> dict:
    """What the hall knows about an employer (for the intake page)."""
    return {
        "employer": employer,
        "staff_count": Employment.objects.filter(employer=employer, end__isnull=True).count(),
        "blockers": deregistration_blockers(employer) if employer.is_active else [],
    }


def person_summary(person: InsuredPerson) -> dict:
    return {
        "person": person,
        "employment": open_employment(person),
        "flexible": open_flexible_spell(person),
        "enrollments": list(active_enrollments(person)),
    }


def person_history(person) -> list[dict]:
    """The person's core-data corrections, newest first: when, by whom, the old and the new
    values (the ``person.correct`` audit entries)."""
    return [
        {"at": e.at, "actor": e.actor_name, "before": e.before, "after": e.after, "note": e.note}
        for e in AuditEntry.objects.filter(
            action="person.correct",
            target_type=InsuredPerson._meta.label_lower,
            target_id=str(person.pk),
        ).order_by("-at", "-pk")
    ]


def person_get(pk: int) -> InsuredPerson:
    """An insured person (to lock one: registration.lock_objects.lock_person)."""
    return InsuredPerson.objects.get(pk=pk)


def employer_get(pk: int) -> Employer:
    """An employer (to lock one: registration.lock_objects.lock_employer)."""
    return Employer.objects.get(pk=pk)


def active_employers(*, registered_by: dt.date) -> QuerySet[Employer]:
    return Employer.objects.filter(
        status=EmployerStatus.ACTIVE, registered_on__lte=registered_by
    ).order_by("pk")


def flexible_worker_get(pk: int) -> FlexibleWorker:
    return FlexibleWorker.objects.select_related("person").get(pk=pk)


def open_flexible_workers(*, started_by: dt.date) -> QuerySet[FlexibleWorker]:
    return FlexibleWorker.objects.filter(start__lte=started_by, end__isnull=True).order_by("pk")


def enrolled_schemes(person, employer, first: dt.date, last: dt.date) -> set[str]:
    """Schemes in which the person was enrolled through the employer at some time in
    [first, last]."""
    return set(
        Enrollment.objects.filter(person=person, employer=employer, start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .values_list("scheme", flat=True)
    )


def all_persons() -> QuerySet[InsuredPerson]:
    """Every insured person, for the layers above to narrow (search, the person page)."""
    return InsuredPerson.objects.all()


def all_employers() -> QuerySet[Employer]:
    return Employer.objects.all()
