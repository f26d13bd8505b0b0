"""What every page does with a refused act: one helper turns a service's ``ValidationError``,
a domain error (``counterhall.exceptions.DomainError``: ``StaleCase``,
``TransitionNotPossible`` …) or ``PermissionDenied`` into the sentence the user reads —
as messages on the next page, or on a form that is shown again."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

from counterhall.exceptions import DomainError
from counterhall.permissions import DENIED_NOT_OWN_CASE


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where it can."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def error_sentences(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(m) for errors in exc.error_dict.values() for e in errors for m in e.messages]
    return [str(m) for m in exc.messages]


def error_message(exc: DomainError | PermissionDenied, denied=DENIED_NOT_OWN_CASE) -> str:
    """The sentence of a domain error or a refusal (``denied`` when it carries none)."""
    if isinstance(exc, DomainError):
        return str(exc.message)
    return str(exc) or str(denied)


def report_error(
    request, exc: ValidationError | DomainError | PermissionDenied, *, form=None, denied=None
) -> None:
    """Tell the user why an act was refused: each sentence as an error message, or — with
    ``form`` — on the form (field by field for a ValidationError). ``denied``: the sentence
    for a PermissionDenied that carries none."""
    denied = DENIED_NOT_OWN_CASE if denied is None else denied
    if isinstance(exc, ValidationError):
        if form is not None:
            add_service_errors(form, exc)
        else:
            for sentence in error_sentences(exc):
                messages.error(request, sentence)
    elif form is not None:
        form.add_error(None, error_message(exc, denied))
    else:
        messages.error(request, error_message(exc, denied))


@dataclass
class Outcome:
    """What happened inside ``user_errors``: ``ok`` unless an error was reported."""

    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@contextmanager
def user_errors(request, *, form=None, denied=None) -> Iterator[Outcome]:
    """Run a service call; report what refused it instead of raising::

        with user_errors(request) as outcome:
            case = services.case_submit(...)
        if outcome.ok:
            messages.success(request, ...)

    Without ``form`` every sentence becomes an error message; with it they go on the form
    (field by field for a ValidationError). ``denied``: the sentence for a PermissionDenied
    that carries none. Anything else propagates.
    """
    outcome = Outcome()
    try:
        yield outcome
    except (ValidationError, DomainError, PermissionDenied) as exc:
        outcome.error = exc
        report_error(request, exc, form=form, denied=denied)


def pager_queries(request, cursor: str) -> dict:
    """The links of a keyset-paginated list: ``filter_query`` (the filters, no cursor),
    ``next_query`` (with the last row's cursor; "" on the last page) and ``first_query``
    (None on the first page); the template includes counterhall/_pager.html."""
    query = request.GET.copy()
    query.pop("after", None)
    filter_query = query.urlencode()
    query["after"] = cursor
    return {
        "filter_query": filter_query,
        "next_query": query.urlencode() if cursor else "",
        "first_query": filter_query if "after" in request.GET else None,
    }


def looked_up_subject(request, query: str, *, via: str):
    """The employer or person a USCC or ID number typed at intake names (the registered
    subject lookup, within the user's hall), its lookup recorded in the audit log."""
    from counterhall import registry, services
    from counterhall.permissions import user_hall

    subject = registry.lookup_subject(query, hall=user_hall(request.user))
    services.subject_lookup_record(actor=request.user, subject=subject, via=via)
    return subject


def subject_arguments(subject) -> dict:
    """What an intake service takes of a looked-up subject (``case_open``, ``bundle_open``)."""
    return {
        "employer": subject.employer if subject else None,
        "person": subject.person if subject else None,
        "subject_query": subject.query if subject else "",
    }
