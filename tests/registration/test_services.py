"""Registration master data through its services: each bad input refused with a field
message, nothing changed."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from counterhall.models import AuditEntry
from registration import selectors
from registration import services as reg
from registration.models import (
    Employer,
    EmployerStatus,
    Enrollment,
    EnrollmentStatus,
    InsuredPerson,
    Scheme,
)
from tests import masterdata as md

pytestmark = pytest.mark.django_db


def test_employer_registered_once_with_audit():
    employer = md.employer()
    assert employer.status == EmployerStatus.ACTIVE
    assert AuditEntry.objects.filter(
        action="employer.register", target_id=str(employer.pk)
    ).exists()
    with pytest.raises(ValidationError) as info:
        reg.employer_register(
            actor=None,
            uscc=md.USCC_A.lower(),
            name="重复",
            legal_representative="x",
            injury_class=1,
            registered_on=dt.date(2024, 1, 1),
            region="222424",
        )
    assert "不能重复登记" in info.value.message_dict["uscc"][0]
    assert Employer.objects.count() == 1


def test_employer_with_bad_uscc_is_refused():
    with pytest.raises(ValidationError) as info:
        reg.employer_register(
            actor=None,
            uscc="91222424MA0Y12340C",
            name="x",
            legal_representative="x",
            injury_class=1,
            registered_on=dt.date(2024, 1, 1),
            region="222424",
        )
    assert "应为 B" in info.value.message_dict["uscc"][0]
    assert not Employer.objects.exists()


def test_person_birth_date_and_sex_come_from_the_id():
    person = md.person(id_number=md.ID_FEMALE, name="李四")
    person.refresh_from_db()
    assert person.birth_date == dt.date(1978, 1, 1)
    assert person.sex == "female"
    assert str(person).endswith("（222401********0042）")
    # registering again returns the same person; a different name is refused
    assert md.person(id_number=md.ID_FEMALE, name="李四") == person
    with pytest.raises(ValidationError) as info:
        md.person(id_number=md.ID_FEMALE, name="王五")
    assert "姓名" in info.value.message_dict["name"][0]
    assert InsuredPerson.objects.count() == 1


def test_enroll_then_separate():
    employer, person = md.employer(), md.person()
    spell = md.employee(employer_obj=employer, person_obj=person)
    assert set(selectors.active_enrollments(person).values_list("scheme", flat=True)) == {
        "pension",
        "unemployment",
        "work_injury",
    }
    assert selectors.employer_summary(employer)["staff_count"] == 1
    reg.employee_separate(
        actor=None,
        employer_id=employer.pk,
        person_id=person.pk,
        end=dt.date(2025, 6, 30),
        reason="dismissed",
    )
    spell.refresh_from_db()
    assert spell.end == dt.date(2025, 6, 30)
    assert not selectors.active_enrollments(person).exists()
    assert Enrollment.objects.filter(person=person, status=EnrollmentStatus.ENDED).count() == 3


def test_person_enrolled_twice_in_the_same_scheme_is_refused():
    a, b = md.employer(), md.employer(uscc=md.USCC_B, name="汪清县某事业单位")
    person = md.person()
    md.employee(employer_obj=a, person_obj=person)
    with pytest.raises(ValidationError) as info:
        md.employee(employer_obj=b, person_obj=person)
    assert any("已在" in m for m in info.value.message_dict["id_number"])
    assert Enrollment.objects.filter(person=person).count() == 3


def test_database_keeps_one_active_enrollment_per_person_and_scheme():
    person = md.person()
    Enrollment.objects.create(person=person, scheme=Scheme.PENSION, start=dt.date(2024, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(person=person, scheme=Scheme.PENSION, start=dt.date(2024, 2, 1))
    Enrollment.objects.create(
        person=person, scheme=Scheme.PENSION, start=dt.date(2020, 1, 1), status="ended"
    )


def test_separating_a_person_who_is_not_enrolled_is_refused():
    employer, person = md.employer(), md.person()
    with pytest.raises(ValidationError) as info:
        reg.employee_separate(
            actor=None,
            employer_id=employer.pk,
            person_id=person.pk,
            end=dt.date(2025, 1, 1),
            reason="resigned",
        )
    assert "不是此单位的在职参保职工" in info.value.message_dict["id_number"][0]


def test_deregistering_an_employer_with_staff_is_refused():
    employer, person = md.employer(), md.person()
    md.employee(employer_obj=employer, person_obj=person)
    with pytest.raises(ValidationError) as info:
        reg.employer_deregister(actor=None, employer_id=employer.pk, on=dt.date(2026, 1, 1))
    assert "在职参保职工" in info.value.message_dict["uscc"][0]
    employer.refresh_from_db()
    assert employer.is_active


def test_deregister_and_then_no_enrollment():
    employer = md.employer()
    reg.employer_deregister(actor=None, employer_id=employer.pk, on=dt.date(2026, 1, 1))
    employer.refresh_from_db()
    assert employer.status == EmployerStatus.DEREGISTERED
    assert employer.deregistered_on == dt.date(2026, 1, 1)
    with pytest.raises(ValidationError):
        md.employee(employer_obj=employer, person_obj=md.person())


def test_flexible_worker_cannot_also_be_employed_in_pension():
    person = md.person()
    reg.flexible_enroll(
        actor=None,
        person_id=person.pk,
        base_ratio="0.60",
        start=dt.date(2025, 1, 1),
        region="222424",
    )
    with pytest.raises(ValidationError) as info:
        md.employee(employer_obj=md.employer(), person_obj=person)
    assert any("灵活就业" in m for m in info.value.message_dict["id_number"])
    with pytest.raises(ValidationError):
        reg.flexible_enroll(
            actor=None,
            person_id=person.pk,
            base_ratio="1.00",
            start=dt.date(2025, 2, 1),
            region="222424",
        )


def test_close_enrollments_sets_status():
    person = md.person()
    md.employee(employer_obj=md.employer(), person_obj=person)
    reg.person_close_enrollments(
        actor=None, person_id=person.pk, on=dt.date(2025, 4, 30), reason="退休", status="retired"
    )
    person.refresh_from_db()
    assert person.status == "retired"
    assert not selectors.active_enrollments(person).exists()
    assert selectors.open_employment(person) is None
