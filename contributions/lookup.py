"""The subject lookup registered with counterhall: registration's (a USCC or resident ID typed
at intake → what the hall knows), with the employer card listing every reason a deregistration
is blocked — active staff and unpaid arrears."""

from __future__ import annotations

from contributions import selectors
from counterhall.registry import SubjectInfo
from registration import lookup as registration_lookup


def lookup(query: str, *, hall=None) -> SubjectInfo | None:
    return registration_lookup.lookup(query, hall=hall, employer_summary=selectors.employer_summary)
