"""Business-type handlers, registered by the business apps in their ``AppConfig.ready``.

counterhall imports no business app: it asks this registry. The contract is in
docs/architecture.md ("Business-type handlers"); in short, per catalogue code:

- ``form_class(data=None, *, case)``: a Django form validating the application, with
  field-level messages; its ``cleaned_data`` (or its ``to_payload()`` if it defines one) must
  be JSON-encodable with DjangoJSONEncoder and becomes ``case.payload``;
- ``compute(case) -> dict``: the figures teller and reviewer see, from ``case.payload`` and
  dated parameters (Decimal yuan, cents, ROUND_HALF_UP), with a ``"parameters"`` list of the
  parameter versions used; frozen on the case at submit;
- ``apply(case, actor)``: the effect on master data, run once inside the ``complete``
  transaction; idempotent;
- optional ``attach(case, form)``: set subject fields on the case from the valid form (fields
  only, the service saves);
- optional ``completion(case) -> (immediate, limit_days)``: overrides the catalogue's mode
  (BEN01: at most five retirees are immediate);
- optional ``signoff_roles(case) -> list[str]``: overrides the catalogue's sign-off roles
  (BEN04: finance only when a death payment results);
- ``template`` renders the form in the case workspace; ``figures_template`` renders
  ``case.figures`` (teller and reviewer).

Business apps may also register one *subject lookup* (``register_subject_lookup``): given a
USCC or ID number typed at intake it returns a ``SubjectInfo`` (the employer and/or person it
found and a template showing what the hall knows), so counterhall can show the subject and
set ``Case.employer`` / ``Case.person`` without importing the app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from counterhall.exceptions import HandlerMissing


@dataclass(frozen=True)
class BusinessTypeHandler:
    code: str
    form_class: type
    compute: Callable[[Any], dict]
    apply: Callable[[Any, Any], None]
    attach: Callable[[Any, Any], None] | None = None
    completion: Callable[[Any], tuple[bool, int | None]] | None = None
    signoff_roles: Callable[[Any], list[str]] | None = None
    template: str = "counterhall/case_form_fields.html"
    figures_template: str = "counterhall/_figures.html"


# The common ``attach`` callables: the form found the employer and/or person the case is
# about (a form that does not look one up leaves the attribute None).


def attach_employer(case, form) -> None:
    case.employer = form.employer


def attach_person(case, form) -> None:
    case.person = form.person


def attach_employer_and_person(case, form) -> None:
    case.employer = form.employer
    case.person = form.person


_handlers: dict[str, BusinessTypeHandler] = {}


def register(handler: BusinessTypeHandler) -> BusinessTypeHandler:
    existing = _handlers.get(handler.code)
    if existing is not None and existing is not handler:
        raise ImproperlyConfigured(f"Business type {handler.code} has two handlers.")
    _handlers[handler.code] = handler
    return handler


def unregister(code: str) -> None:
    """For tests that register a throw-away handler."""
    _handlers.pop(code, None)


def get_handler(code: str) -> BusinessTypeHandler:
    try:
        return _handlers[code]
    except KeyError:
        raise HandlerMissing() from None


def has_handler(code: str) -> bool:
    return code in _handlers


def registered_codes() -> list[str]:
    return sorted(_handlers)


@dataclass(frozen=True)
class SubjectInfo:
    query: str
    employer: Any = None
    person: Any = None
    template: str = ""
    context: dict | None = None
    error: str = ""

    @property
    def found(self) -> bool:
        return self.employer is not None or self.person is not None


_subject_lookups: list[Callable[..., SubjectInfo | None]] = []


def register_subject_lookup(lookup: Callable[..., SubjectInfo | None]) -> None:
    """``lookup(query, *, hall)``: ``hall`` is the hall asking (None: no hall, e.g. a
    superuser); a lookup shows nothing of a subject outside the hall's region."""
    if lookup not in _subject_lookups:
        _subject_lookups.append(lookup)


def lookup_subject(query: str, *, hall=None) -> SubjectInfo | None:
    """The first registered lookup that recognises the text (None: no lookup knows it)."""
    for lookup in _subject_lookups:
        info = lookup(query, hall=hall)
        if info is not None:
            return info
    return None
