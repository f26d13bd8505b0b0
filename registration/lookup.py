"""The subject lookup: a USCC or resident ID typed at intake → what the hall knows about the
employer or person. Contributions registers it with counterhall (contributions/lookup.py),
giving the employer summary that includes what blocks a deregistration (unpaid arrears)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from counterhall.permissions import DENIED_OTHER_REGION, subject_in_hall
from counterhall.registry import SubjectInfo
from registration import selectors
from registration.validators import (
    normalize_uscc,
    parse_resident_id,
    validate_uscc,
)

TEMPLATE = "registration/_subject.html"


def _elsewhere(subject, hall) -> bool:
    """Registered, but in another region than the asking hall's: show nothing of it."""
    return subject is not None and hall is not None and not subject_in_hall(subject, hall)


def lookup(query: str, *, hall=None, employer_summary) -> SubjectInfo | None:
    """``employer_summary(employer)``: the employer card's facts (``selectors.employer_summary``
    plus the blockers the layers above know of)."""
    text = normalize_uscc(query)
    if not text:
        return None
    id_error = uscc_error = None
    try:
        decoded = parse_resident_id(text)
    except ValidationError as exc:
        id_error = exc.messages[0]
    else:
        person = selectors.person_by_id_number(decoded.number)
        if _elsewhere(person, hall):
            return SubjectInfo(query=decoded.number, error=str(DENIED_OTHER_REGION))
        return SubjectInfo(
            query=decoded.number,
            person=person,
            template=TEMPLATE,
            context={
                "kind": "person",
                "summary": selectors.person_summary(person) if person else None,
                "masked": selectors.mask_resident_id(decoded.number),
                "birth_date": decoded.birth_date,
                "sex": decoded.sex,
            },
        )
    try:
        validate_uscc(text)
    except ValidationError as exc:
        uscc_error = exc.messages[0]
    else:
        employer = selectors.employer_by_uscc(text)
        if _elsewhere(employer, hall):
            return SubjectInfo(query=text, error=str(DENIED_OTHER_REGION))
        return SubjectInfo(
            query=text,
            employer=employer,
            template=TEMPLATE,
            context={
                "kind": "employer",
                "summary": employer_summary(employer) if employer else None,
                "uscc": text,
            },
        )
    # Neither: say what is wrong with the one it most looks like.
    looks_like_id = text[:17].isascii() and text[:17].isdigit()
    return SubjectInfo(
        query=text,
        error=_("不是有效的身份证号码或统一社会信用代码：%(e)s")
        % {"e": id_error if looks_like_id else uscc_error},
    )
