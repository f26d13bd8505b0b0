"""Writes on registration master data. Each function is keyword-only, takes the acting user,
runs in one transaction with its audit entry, and raises ValidationError keyed by the form
field the teller must correct. Other apps call these (and registration.selectors) only.

``case`` (optional) is the counterhall Case whose completion causes the write; effects keyed
by their case are applied once (a second call with the same case returns the first result).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counterhall import audit
from registration.lock_objects import lock_employer, lock_open_employment, lock_person
from registration.models import (
    EMPLOYEE_SCHEMES,
    Employer,
    EmployerStatus,
    Employment,
    Enrollment,
    EnrollmentStatus,
    FlexibleWorker,
    InsuredPerson,
    PersonStatus,
    Scheme,
)
from registration.validators import normalize_resident_id, normalize_uscc, parse_resident_id

EMPLOYER_FIELDS = (
    "name",
    "address",
    "legal_representative",
    "injury_class",
    "bank_account",
    "bank_name",
)


def _hall(case):
    return case.hall if case is not None else None


def _snapshot(employer: Employer) -> dict:
    return {f: getattr(employer, f) for f in (*EMPLOYER_FIELDS, "status")}


# --------------------------------------------------------------------------- employers


def employer_register(
    *,
    actor,
    uscc: str,
    name: str,
    legal_representative: str,
    injury_class: int,
    registered_on: dt.date,
    address: str = "",
    bank_account: str = "",
    bank_name: str = "",
    region: str,
    case=None,
) -> Employer:
    """单位新参保登记. An employer is registered once (USCC unique)."""
    uscc = normalize_uscc(uscc)
    with transaction.atomic():
        if case is not None:
            existing = Employer.objects.filter(registered_by_case=case).first()
            if existing is not None:
                return existing
        if Employer.objects.filter(uscc=uscc).exists():
            raise ValidationError({"uscc": _("此统一社会信用代码的单位已参保登记，不能重复登记。")})
        employer = Employer(
            uscc=uscc,
            name=name.strip(),
            address=address.strip(),
            legal_representative=legal_representative.strip(),
            injury_class=injury_class,
            bank_account=bank_account.strip(),
            bank_name=bank_name.strip(),
            region=region,
            registered_on=registered_on,
            registered_by_case=case,
        )
        employer.full_clean()
        try:
            with transaction.atomic():
                employer.save()
        except IntegrityError:  # registered concurrently by another case
            raise ValidationError(
                {"uscc": _("此统一社会信用代码的单位已参保登记，不能重复登记。")}
            ) from None
        audit.record(
            actor=actor,
            action="employer.register",
            target=employer,
            after={"uscc": uscc, "name": employer.name, "case": getattr(case, "number", None)},
            hall=_hall(case),
        )
    return employer


def employer_change(*, actor, employer_id: int, changes: dict, case=None) -> Employer:
    """单位信息变更: name, address, legal representative, industry class, bank account."""
    unknown = set(changes) - set(EMPLOYER_FIELDS)
    if unknown:
        raise ValueError(f"not changeable: {sorted(unknown)}")
    with transaction.atomic():
        employer = lock_employer(employer_id)
        if not employer.is_active:
            raise ValidationError({"uscc": _("该单位已注销，不能办理变更。")})
        before = _snapshot(employer)
        for field, value in changes.items():
            setattr(employer, field, value.strip() if isinstance(value, str) else value)
        employer.full_clean()
        if _snapshot(employer) == before:
            return employer  # nothing to change (also: applied before)
        employer.save()
        audit.record(
            actor=actor,
            action="employer.change",
            target=employer,
            before={k: v for k, v in before.items() if k in changes},
            after={k: getattr(employer, k) for k in changes},
            note=getattr(case, "number", ""),
            hall=_hall(case),
        )
    return employer


def deregistration_blockers(employer: Employer) -> list[str]:
    """Registration's reasons this employer cannot be deregistered now (active staff; empty
    when none). REG03 is registered by contributions, which adds unpaid arrears
    (``contributions.selectors.deregistration_blockers``)."""
    reasons = []
    staff = Employment.objects.filter(employer=employer, end__isnull=True).count()
    if staff:
        reasons.append(_("该单位仍有 %(n)d 名在职参保职工，请先办理职工减员。") % {"n": staff})
    return reasons


def employer_deregister(
    *, actor, employer_id: int, on: dt.date, reason: str = "", case=None
) -> Employer:
    """单位注销: only without active staff (``contributions.services.employer_deregister``,
    which REG03 calls, refuses unpaid arrears first)."""
    with transaction.atomic():
        employer = lock_employer(employer_id)
        if case is not None and employer.deregistered_by_case_id == case.pk:
            return employer
        if not employer.is_active:
            raise ValidationError({"uscc": _("该单位已注销。")})
        blockers = deregistration_blockers(employer)
        if blockers:
            raise ValidationError({"uscc": blockers})
        if on < employer.registered_on:
            raise ValidationError({"deregistered_on": _("注销日期不能早于参保登记日期。")})
        employer.status = EmployerStatus.DEREGISTERED
        employer.deregistered_on = on
        employer.deregistered_by_case = case
        employer.save()
        audit.record(
            actor=actor,
            action="employer.deregister",
            target=employer,
            before={"status": EmployerStatus.ACTIVE},
            after={"status": employer.status, "on": on, "reason": reason},
            hall=_hall(case),
        )
    return employer


# --------------------------------------------------------------------------- persons


def person_register(
    *,
    actor,
    id_number: str,
    name: str,
    retirement_category: str,
    phone: str = "",
    address: str = "",
    work_start: dt.date | None = None,
    deemed_months: int = 0,
    region: str,
    case=None,
) -> InsuredPerson:
    """Register a person, or return the one already registered under the ID number (the name
    must match). Birth date and sex are derived from the number."""
    decoded = parse_resident_id(id_number)
    with transaction.atomic():
        existing = InsuredPerson.objects.filter(id_number=decoded.number).first()
        if existing is not None:
            if existing.name != name.strip():
                raise ValidationError(
                    {
                        "name": _("此身份证号码已登记，姓名为“%(name)s”，与填写的不一致。")
                        % {"name": existing.name}
                    }
                )
            return existing
        person = InsuredPerson(
            id_number=decoded.number,
            name=name.strip(),
            birth_date=decoded.birth_date,
            sex=decoded.sex,
            phone=phone.strip(),
            address=address.strip(),
            retirement_category=retirement_category,
            work_start=work_start,
            deemed_months=deemed_months,
            region=region,
        )
        person.full_clean()
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError:  # registered concurrently by another case
            raise ValidationError({"id_number": _("此身份证号码的人员已登记。")}) from None
        audit.record(
            actor=actor,
            action="person.register",
            target=person,
            after={"name": person.name, "case": getattr(case, "number", None)},
            hall=_hall(case),
        )
    return person


def person_set_status(*, actor, person_id: int, status: str, note: str = "", case=None):
    """Retired, deceased, terminated, transferred out (used by benefits and special ops)."""
    if status not in PersonStatus.values:
        raise ValueError(status)
    with transaction.atomic():
        person = lock_person(person_id)
        if person.status == status:
            return person
        before = person.status
        person.status = status
        person.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="person.status",
            target=person,
            before={"status": before},
            after={"status": status},
            note=note,
            hall=_hall(case),
        )
    return person


CORE_FIELDS = (
    "name",
    "id_number",
    "file_birth_date",
    "retirement_category",
    "work_start",
    "deemed_months",
)


def person_core_snapshot(person: InsuredPerson) -> dict:
    """The core data SPC03 corrects, with what derives from it (birth date, sex)."""
    return {
        **{f: getattr(person, f) for f in CORE_FIELDS},
        "birth_date": person.birth_date,
        "sex": person.sex,
    }


def person_correct(*, actor, person_id: int, changes: dict, case=None) -> InsuredPerson:
    """在职基本信息维护: correct name, ID number, the birth date the personnel file governs,
    retirement category, work-start date or deemed months. Birth date and sex follow the
    (new) ID number unless ``file_birth_date`` is set. The old values stay in the person's
    history (the ``person.correct`` audit entry, before/after). A new ID number already held
    by another person is refused."""
    unknown = set(changes) - set(CORE_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    with transaction.atomic():
        person = lock_person(person_id)
        before = person_core_snapshot(person)
        if "id_number" in changes:
            changes = {**changes, "id_number": normalize_resident_id(changes["id_number"])}
            taken = (
                InsuredPerson.objects.filter(id_number=changes["id_number"])
                .exclude(pk=person.pk)
                .first()
            )
            if taken is not None:
                raise ValidationError(
                    {
                        "new_id_number": _("此身份证号码已由其他参保人员（%(name)s）使用。")
                        % {"name": taken.name}
                    }
                )
        for field, value in changes.items():
            setattr(person, field, value.strip() if isinstance(value, str) else value)
        person.full_clean(exclude=["region"])
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError:
            raise ValidationError(
                {"new_id_number": _("此身份证号码已由其他参保人员使用。")}
            ) from None
        after = person_core_snapshot(person)
        audit.record(
            actor=actor,
            action="person.correct",
            target=person,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
            note=getattr(case, "number", ""),
            hall=_hall(case),
        )
    return person


def _active_enrollment_conflicts(person: InsuredPerson, schemes: Iterable[str]) -> list[str]:
    active = Enrollment.objects.filter(
        person=person, scheme__in=list(schemes), status=EnrollmentStatus.ACTIVE
    ).select_related("employer")
    return [
        _("已在%(scheme)s参保缴费（%(where)s，自 %(start)s 起），不能同时重复参保。")
        % {
            "scheme": e.get_scheme_display(),
            "where": e.employer.name if e.employer_id else _("灵活就业"),
            "start": e.start,
        }
        for e in active
    ]


def employee_enroll(
    *,
    actor,
    employer_id: int,
    person_id: int,
    start: dt.date,
    schemes: Iterable[str] = EMPLOYEE_SCHEMES,
    case=None,
) -> Employment:
    """职工参保登记（增员）: an employment spell and an active enrollment per scheme."""
    schemes = list(schemes)
    with transaction.atomic():
        if case is not None:
            done = Employment.objects.filter(start_case=case).first()
            if done is not None:
                return done
        employer = lock_employer(employer_id)
        person = lock_person(person_id)
        if not employer.is_active:
            raise ValidationError({"uscc": _("该单位已注销，不能增员。")})
        if person.status != PersonStatus.ACTIVE:
            raise ValidationError(
                {"id_number": _("该人员状态为“%s”，不能参保。") % person.get_status_display()}
            )
        errors = []
        open_spell = Employment.objects.filter(person=person, end__isnull=True).first()
        if open_spell is not None:
            errors.append(
                _("该人员已在“%(employer)s”在职参保（自 %(start)s 起），请先办理减员。")
                % {"employer": open_spell.employer.name, "start": open_spell.start}
            )
        errors += _active_enrollment_conflicts(person, schemes)
        if errors:
            raise ValidationError({"id_number": list(dict.fromkeys(errors))})
        if start < employer.registered_on:
            raise ValidationError({"start": _("参保日期不能早于单位参保登记日期。")})
        try:
            with transaction.atomic():
                spell = Employment.objects.create(
                    person=person, employer=employer, start=start, start_case=case
                )
                for scheme in schemes:
                    Enrollment.objects.create(
                        person=person,
                        scheme=scheme,
                        employer=employer,
                        start=start,
                        reason=_("职工增员"),
                    )
        except IntegrityError:
            raise ValidationError(
                {"id_number": _("该人员已参保在职，不能同时重复参保。")}
            ) from None
        audit.record(
            actor=actor,
            action="person.enroll",
            target=person,
            after={"employer": employer.uscc, "start": start, "schemes": schemes},
            note=getattr(case, "number", ""),
            hall=_hall(case),
        )
    return spell


def employee_separate(
    *, actor, employer_id: int, person_id: int, end: dt.date, reason: str, case=None
) -> Employment:
    """职工减员（停保）: end the open spell with this employer and its enrollments."""
    with transaction.atomic():
        if case is not None:
            done = Employment.objects.filter(end_case=case).first()
            if done is not None:
                return done
        spell = lock_open_employment(employer_id=employer_id, person_id=person_id)
        if spell is None:
            raise ValidationError({"id_number": _("该人员不是此单位的在职参保职工，不能减员。")})
        if end < spell.start:
            raise ValidationError(
                {"end": _("减员日期不能早于参保日期 %(start)s。") % {"start": spell.start}}
            )
        spell.end, spell.end_reason, spell.end_case = end, reason, case
        spell.save()
        ended = Enrollment.objects.filter(
            person_id=person_id, employer_id=employer_id, status=EnrollmentStatus.ACTIVE
        )
        schemes = list(ended.values_list("scheme", flat=True))
        ended.update(
            status=EnrollmentStatus.ENDED, end=end, reason=reason, updated_at=timezone.now()
        )
        audit.record(
            actor=actor,
            action="person.separate",
            target=spell.person,
            before={
                "employer": spell.employer.uscc,
                "start": spell.start,
                "end": None,
                "enrollments": dict.fromkeys(schemes, EnrollmentStatus.ACTIVE),
            },
            after={
                "employer": spell.employer.uscc,
                "end": end,
                "reason": reason,
                "schemes": schemes,
                "enrollments": dict.fromkeys(schemes, EnrollmentStatus.ENDED),
            },
            note=getattr(case, "number", ""),
            hall=_hall(case),
        )
    return spell


def flexible_enroll(
    *,
    actor,
    person_id: int,
    base_ratio,
    start: dt.date,
    region: str,
    bank_account: str = "",
    case=None,
) -> FlexibleWorker:
    """灵活就业人员参保: pension enrollment without employer, at a chosen base level."""
    with transaction.atomic():
        if case is not None:
            done = FlexibleWorker.objects.filter(case=case).first()
            if done is not None:
                return done
        person = lock_person(person_id)
        if person.status != PersonStatus.ACTIVE:
            raise ValidationError(
                {"id_number": _("该人员状态为“%s”，不能参保。") % person.get_status_display()}
            )
        errors = _active_enrollment_conflicts(person, [Scheme.PENSION])
        if FlexibleWorker.objects.filter(person=person, end__isnull=True).exists():
            errors.append(_("此人员已作为灵活就业人员参保。"))
        if errors:
            raise ValidationError({"id_number": list(dict.fromkeys(errors))})
        worker = FlexibleWorker.objects.create(
            person=person,
            base_ratio=base_ratio,
            start=start,
            region=region,
            bank_account=bank_account.strip(),
            case=case,
        )
        Enrollment.objects.create(
            person=person, scheme=Scheme.PENSION, employer=None, start=start, reason=_("灵活就业")
        )
        audit.record(
            actor=actor,
            action="person.flexible_enroll",
            target=person,
            after={"base_ratio": base_ratio, "start": start},
            note=getattr(case, "number", ""),
            hall=_hall(case),
        )
    return worker


def person_close_enrollments(
    *, actor, person_id: int, on: dt.date, reason: str, status: str | None = None, case=None
) -> InsuredPerson:
    """End every open spell, flexible spell and active enrollment of a person (retirement,
    death, emigration, transfer out) and optionally set the person's status."""
    with transaction.atomic():
        person = lock_person(person_id)
        spells = Employment.objects.filter(person=person, end__isnull=True)
        flexible = FlexibleWorker.objects.filter(person=person, end__isnull=True)
        enrollments = Enrollment.objects.filter(person=person, status=EnrollmentStatus.ACTIVE)
        open_spells = [
            {"employer": uscc, "start": start}
            for uscc, start in spells.values_list("employer__uscc", "start")
        ]
        open_flexible = [{"start": start} for start in flexible.values_list("start", flat=True)]
        schemes = list(enrollments.values_list("scheme", flat=True))
        spells.update(end=on, end_reason="other", updated_at=timezone.now())
        flexible.update(end=on, updated_at=timezone.now())
        enrollments.update(
            status=EnrollmentStatus.ENDED, end=on, reason=reason, updated_at=timezone.now()
        )
        audit.record(
            actor=actor,
            action="person.close",
            target=person,
            before={
                "employments": [{**s, "end": None} for s in open_spells],
                "flexible": [{**s, "end": None} for s in open_flexible],
                "enrollments": dict.fromkeys(schemes, EnrollmentStatus.ACTIVE),
            },
            after={
                "on": on,
                "reason": reason,
                "status": status,
                "employments": [{**s, "end": on} for s in open_spells],
                "flexible": [{**s, "end": on} for s in open_flexible],
                "enrollments": dict.fromkeys(schemes, EnrollmentStatus.ENDED),
            },
            hall=_hall(case),
        )
    if status:
        person = person_set_status(actor=actor, person_id=person.pk, status=status, case=case)
    return person


def find_employer(uscc: str) -> Employer | None:
    return Employer.objects.filter(uscc=normalize_uscc(uscc)).first()


def find_person(id_number: str) -> InsuredPerson | None:
    return InsuredPerson.objects.filter(id_number=normalize_resident_id(id_number)).first()
