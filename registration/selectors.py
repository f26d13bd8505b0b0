"""Reads on registration master data, for pages, handlers and other apps."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from registration.models import (
    Employer,
    Employment,
    Enrollment,
    EnrollmentStatus,
    FlexibleWorker,
    InsuredPerson,
)
from registration.services import deregistration_blockers, find_employer, find_person

__all__ = [
    "active_enrollments",
    "deregistration_blockers",
    "employer_by_uscc",
    "employer_staff",
    "employer_summary",
    "employment_history",
    "find_employer",
    "find_person",
    "open_employment",
    "open_flexible_spell",
    "person_by_id_number",
    "person_summary",
    "staff_in_period",
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
