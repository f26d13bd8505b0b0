"""Polls that cost almost nothing when nothing changed.

The pages poll live fragments every few seconds (htmx ``hx-trigger="every 5s"``): the
teller's worklist and call panel, a case's state, the review queue, the hall display, the
rating tablet. Each fragment carries the version of the data it shows in its
``X-Counterhall-Version`` request header (``hx-headers``, rendered with the fragment); the
server compares it with the hall's current version in ONE query and answers
``204 No Content`` when it is the same — htmx swaps nothing on a 204 — so an unchanged poll
costs the session, the user and that query. Otherwise the fragment renders anew with its
new version.

The version (``PollVersion``: two counters per hall) is bumped through ``audit.record`` and
``audit.record_many``: every write in the hall is audited, so no write can forget the bump.
The bump runs when the writer's transaction commits (``transaction.on_commit``), as its own
one-row UPDATE: it holds no lock inside business transactions, is never visible before the
data, and a rolled-back write bumps nothing. ``visit.*`` and ``rectification.*`` bump
``visits``; reads that are audited (``READ_ACTIONS``: a full number shown, a page viewed, a
login) bump nothing; every other action bumps ``cases``; ``admin.*`` (window grants …)
bumps both. Should a process die between its commit and its bump, every fragment still
re-renders within ``SAFETY_SECONDS`` (a time bucket in every version).

A fragment whose text depends on the clock (waiting times, the display's clock) adds a time
bucket to its version (``bucket_seconds``), and every version holds the hall's date, so a
fragment is at most one bucket old.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone

from counterhall.models import PollVersion

VERSION_HEADER = "X-Counterhall-Version"
SAFETY_SECONDS = 300
SESSION_HALL = "poll_hall"

CASES = "cases"
VISITS = "visits"
SCOPES = (CASES, VISITS)

READ_ACTIONS = frozenset(
    {
        "pii.view",
        "page.view",
        "person.lookup",
        "case.casefile",
        "abroad.notice_print",
        "audit.verify",
    }
)
READ_PREFIXES = ("auth.", "api.")


def scopes_of(action: str) -> tuple[str, ...]:
    """What an audited action changes, for the polls."""
    if action in READ_ACTIONS or action.startswith(READ_PREFIXES):
        return ()
    if action.startswith(("visit.", "rectification.")):
        return (VISITS,)
    if action.startswith("admin."):
        return SCOPES
    return (CASES,)


def bump(hall_id: int | None, actions: Iterable[str]) -> None:
    """Called by ``audit.record`` inside the writer's transaction: once that transaction
    commits, one UPDATE of the hall's row (created on the first write of a hall), in its
    own statement — so a bump never holds a lock inside a business transaction (an
    in-transaction UPDATE deadlocked eight windows calling at once on PostgreSQL), and is
    never seen before the data (a poll that reads the old version with the new data just
    renders once more). A rolled-back write bumps nothing."""
    if hall_id is None:
        return
    scopes = sorted({s for action in actions for s in scopes_of(action)})
    if scopes:
        transaction.on_commit(lambda: _apply(hall_id, scopes), robust=True)


def _apply(hall_id: int, scopes: list[str]) -> None:
    changes = {s: F(s) + 1 for s in scopes}
    if PollVersion.objects.filter(hall_id=hall_id).update(**changes):
        return
    with transaction.atomic():
        PollVersion.objects.get_or_create(hall_id=hall_id)  # a racing first write waits here
        PollVersion.objects.filter(hall_id=hall_id).update(**changes)


def hall_with_version(
    code: str, scopes: tuple[str, ...], *, bucket_seconds: int | None = None, extra: str = ""
):
    """A hall by its code with its fragment version, in one query (the hall's screens,
    which have no session): (hall or None, version)."""
    from counterhall.models import Hall

    names = {f"poll_{s}": F(f"poll_version__{s}") for s in scopes}
    hall = Hall.objects.annotate(**names).filter(code=code).first()
    row = tuple(getattr(hall, n) or 0 for n in names) if hall else (0,) * len(scopes)
    return hall, _version(list(row), bucket_seconds=bucket_seconds, extra=extra)


def _version(parts: list, *, bucket_seconds: int | None = None, extra: str = "") -> str:
    parts = [*map(str, parts), timezone.localdate().isoformat()]
    bucket = min(bucket_seconds or SAFETY_SECONDS, SAFETY_SECONDS)
    parts.append(str(int(timezone.now().timestamp()) // bucket))
    if extra:
        parts.append(extra)
    return ".".join(parts)


def version(
    *,
    hall_id: int | None,
    scopes: tuple[str, ...] = SCOPES,
    bucket_seconds: int | None = None,
    extra: str = "",
) -> str:
    """The current version of a hall's fragment: one query."""
    qs = PollVersion.objects.filter(hall_id=hall_id or 0)  # no hall: no row, zeros
    row = qs.values_list(*scopes).first() or (0,) * len(scopes)
    return _version([hall_id, *row], bucket_seconds=bucket_seconds, extra=extra)


def unchanged(request, current: str) -> bool:
    return request.headers.get(VERSION_HEADER) == current


def not_modified() -> HttpResponse:
    """What an unchanged poll gets: htmx swaps nothing on a 204."""
    return HttpResponse(status=204)


def session_hall_id(request) -> int | None:
    """The signed-in user's hall id, kept in the session at login (``counterhall.signals``;
    for a session older than that, by the fragment's first render: ``remember_hall``), so
    an unchanged poll loads no staff profile and a poll writes no session."""
    value = request.session.get(SESSION_HALL)
    return value if isinstance(value, int) else None


def remember_hall(request, hall_id: int | None) -> None:
    if hall_id is not None and request.session.get(SESSION_HALL) != hall_id:
        request.session[SESSION_HALL] = hall_id


class PolledFragmentMixin:
    """For a signed-in fragment view: ``poll_scopes``, ``poll_bucket_seconds``; the template
    sends ``{{ poll_version }}`` in its ``hx-headers``. First in the bases: the unchanged
    answer comes before the view's own role checks (a 204 shows nothing; a version is only
    ever learnt from a render, which made them)."""

    poll_scopes: tuple[str, ...] = (CASES,)
    poll_bucket_seconds: int | None = None

    def poll_extra(self) -> str:
        """What besides the hall's data the fragment depends on (the user, a URL part)."""
        return str(self.request.user.pk)  # type: ignore[attr-defined]

    def poll_current(self, hall_id: int | None) -> str:
        return version(
            hall_id=hall_id,
            scopes=self.poll_scopes,
            bucket_seconds=self.poll_bucket_seconds,
            extra=self.poll_extra(),
        )

    def dispatch(self, request, *args, **kwargs):
        hall_id = session_hall_id(request) if request.user.is_authenticated else None
        if request.method == "GET" and hall_id is not None:
            self.poll_version = self.poll_current(hall_id)
            if unchanged(request, self.poll_version):
                return not_modified()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def get(self, request, *args, **kwargs):
        if not hasattr(self, "poll_version"):  # the first poll: the hall is not in the session
            from counterhall import permissions

            hall_id = permissions.user_hall_id(request.user)
            self.poll_version = self.poll_current(hall_id)
            remember_hall(request, hall_id)
        return super().get(request, *args, **kwargs)  # type: ignore[misc]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)  # type: ignore[misc]
        ctx["poll_version"] = getattr(self, "poll_version", "")
        return ctx
