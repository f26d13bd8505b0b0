"""Business-type handlers: the one contract between counterhall and the business apps.

counterhall imports no business app: it asks this registry. Each business app lists its
handlers in a module-level ``HANDLERS`` tuple in ``<app>/handlers.py`` and registers them with
``registry.register_all(handlers.HANDLERS)`` in its ``AppConfig.ready``. Per catalogue code a
``BusinessTypeHandler`` has:

- ``form_class(data=None, *, case)``: a ``counterhall.forms.BusinessForm`` validating the
  application (checks that need the master data included), with field-level messages. It
  computes no figures. ``to_payload()`` gives the JSON-ready payload; ``subject()`` names the
  employer and/or person it found (``EmployerSubjectMixin`` / ``PersonSubjectMixin``), or
  None when the type names no subject (the case keeps what intake recorded);
- ``figures(case, payload, subject) -> dict``: the figures teller and reviewer see, from the
  payload and dated parameters (Decimal yuan, cents, ROUND_HALF_UP), with a ``"parameters"``
  list of the parameter versions used. It may refuse with ``ValidationError`` (keyed by form
  field where it can) when only the arithmetic shows the application cannot be granted;
- ``assess(case, data) -> Assessment``: the one assessment, run once by save, preview, submit
  and resubmit (``data``: the submitted form data; on submit and resubmit the stored
  ``case.payload``). It validates the form, then computes the figures once. Invalid input
  raises ``InvalidApplication`` (a ``ValidationError`` with the form's ``errors.as_data()``
  and the bound ``form``); a missing parameter is a message on the form, not a crash;
- ``apply(case, actor) -> Subject | None``: the effect on master data, run once inside the
  ``complete`` transaction, idempotent. It changes master data only through the owning apps'
  services, each of which writes its audit entry with before/after in the same transaction.
  It never writes the Case row: the subject it created or found (REG01's employer, REG04's
  person) is returned, and ``case_complete`` records it on the case and in the
  ``case.complete`` audit entry;
- optional ``completion(case) -> (immediate, limit_days)``: overrides the catalogue's mode
  (BEN01: at most five retirees are immediate);
- optional ``completion_note(hall, business_type) -> str``: how the type list names that
  mode before an application exists (BEN01: "5 人及以下即时办结…"), instead of the
  catalogue's mode;
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

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.serializers.json import DjangoJSONEncoder

from counterhall.exceptions import HandlerMissing
from counterhall.params import ParameterMissing


def as_json(value):
    """What a JSONField will hold: Decimals and dates as strings (round trip)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


@dataclass(frozen=True)
class Subject:
    """The employer and/or insured person a case is about (``Case.employer`` /
    ``Case.person``); None where the case has none of that kind."""

    employer: Any = None
    person: Any = None


@dataclass(frozen=True)
class Assessment:
    """One validated application: ``payload`` becomes ``case.payload``, ``figures``
    ``case.figures`` (both JSON-ready), ``subject`` is recorded on the case (None: the type
    names no subject and the case keeps what intake recorded)."""

    payload: dict
    figures: dict
    subject: Subject | None = None


class InvalidApplication(ValidationError):
    """The application does not validate: the form's field errors, and the bound form
    (so a page re-renders it with the messages at the fields)."""

    def __init__(self, form):
        super().__init__(form.errors.as_data())
        self.form = form


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@dataclass(frozen=True)
class BusinessTypeHandler:
    code: str
    form_class: type
    figures: Callable[[Any, dict, Subject | None], dict]
    apply: Callable[[Any, Any], Subject | None]
    completion: Callable[[Any], tuple[bool, int | None]] | None = None
    completion_note: Callable[[Any, Any], str] | None = None
    signoff_roles: Callable[[Any], list[str]] | None = None
    template: str = "counterhall/case_form_fields.html"
    figures_template: str = "counterhall/_figures.html"

    def assess(self, case, data) -> Assessment:
        """Validate ``data`` with the type's form and compute the figures, once. Reads the
        case (hall, region, subject), never changes it."""
        form = self.form_class(data, case=case)
        if form.is_valid():
            payload = as_json(form.to_payload())
            subject = form.subject()
            try:
                figures = as_json(self.figures(case, payload, subject))
            except ValidationError as exc:
                _add_errors(form, exc)
            except ParameterMissing as exc:
                form.add_error(None, str(exc))
            else:
                return Assessment(payload=payload, figures=figures, subject=subject)
        raise InvalidApplication(form)


_handlers: dict[str, BusinessTypeHandler] = {}


def register(handler: BusinessTypeHandler) -> BusinessTypeHandler:
    existing = _handlers.get(handler.code)
    if existing is not None and existing is not handler:
        raise ImproperlyConfigured(f"Business type {handler.code} has two handlers.")
    _handlers[handler.code] = handler
    return handler


def register_all(handlers: Iterable[BusinessTypeHandler]) -> None:
    """What each business app's ``AppConfig.ready`` calls with its ``handlers.HANDLERS``."""
    for handler in handlers:
        register(handler)


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


def completion_note(business_type, *, hall) -> str:
    """How the type list names a type's completion: the handler's note where it decides the
    mode per application (BEN01), else the catalogue's mode and limit."""
    from django.utils.translation import gettext as _

    handler = _handlers.get(business_type.code)
    if handler is not None and handler.completion_note is not None and hall is not None:
        return handler.completion_note(hall, business_type)
    mode = business_type.get_completion_mode_display()
    if business_type.limit_days:
        return _("%(mode)s %(days)s 个工作日") % {"mode": mode, "days": business_type.limit_days}
    return str(mode)
