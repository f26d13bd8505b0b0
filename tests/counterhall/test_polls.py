"""Polls that cost almost nothing (issue #18): each polled fragment sends the version it
shows (``X-Counterhall-Version``); unchanged, the answer is a 204 (htmx swaps nothing)
after the session, the user and ONE version query; changed, it renders in at most 5
queries beyond them; and each writing service's change is seen by the next poll."""

import datetime as dt
import re
import time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from counterhall import polls, services
from counterhall import visit_services as visits
from counterhall.middleware import POLL_HEADER
from counterhall.models import CaseState, PollVersion, RatingGrade, VisitCategory
from counterhall.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

POLL = {"HX-Request": "true", POLL_HEADER: "1"}
VERSION = re.compile(r'"X-Counterhall-Version": "([^"]*)"')
SESSION_AND_USER = 2
RENDER_BUDGET = 5  # queries beyond the session and the user


@pytest.fixture(autouse=True)
def immediate_commits(monkeypatch):
    """The test's transaction never commits: the bumps run at once instead of at commit
    (``test_the_bump_waits_for_the_commit`` checks the real timing)."""
    monkeypatch.setattr(
        "django.db.transaction.on_commit", lambda func, using=None, robust=False: func()
    )


@pytest.fixture(autouse=True)
def start_of_a_bucket():
    """Every version holds a time bucket (60 s for the review queue, else
    ``SAFETY_SECONDS``): run each test from one second into a bucket, so that two polls a
    few milliseconds apart cannot straddle a boundary and differ for that reason alone
    (CI once drew the boundary). The clock still ticks; buckets align with the hall's
    midnight, so the date does not move."""
    now = int(time.time())
    start = now - now % polls.SAFETY_SECONDS + 1
    with time_machine.travel(dt.datetime.fromtimestamp(start, tz=dt.UTC), tick=True):
        yield


@pytest.fixture
def guide(hall):
    return factories.UserFactory(username="g1", roles=[Role.HALL_ADMIN], hall=hall)


def poll(client, url, version: str | None):
    headers = dict(POLL)
    if version is not None:
        headers[polls.VERSION_HEADER] = version
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    return response, len(ctx.captured_queries)


def version_in(response) -> str:
    found = VERSION.search(response.content.decode())
    assert found, response.content[:300]
    return found.group(1)


def settled(client, url, *, signed_in: bool = True) -> str:
    """Poll until the fragment has rendered once with its version; check the unchanged
    poll's cost; return the version."""
    first, _ = poll(client, url, None)
    assert first.status_code == 200
    version = version_in(first)
    assert version
    again, queries = poll(client, url, version)
    assert again.status_code == 204 and again.content == b""
    assert queries == (SESSION_AND_USER + 1 if signed_in else 1)
    return version


def assert_changed(client, url, version: str, *, signed_in: bool = True) -> str:
    response, queries = poll(client, url, version)
    assert response.status_code == 200, response.status_code
    assert queries <= (SESSION_AND_USER if signed_in else 0) + RENDER_BUDGET, queries
    new = version_in(response)
    assert new != version
    return new


# --------------------------------------------------------------------------- each fragment


def test_worklist(client, teller, window, test_types):
    client.force_login(teller)
    url = reverse("case-worklist")
    version = settled(client, url)
    case = services.case_open(actor=teller, window=window, business_type=test_types.general)
    assert case.number.encode() in poll(client, url, version)[0].content
    assert_changed(client, url, version)


def test_call_panel_sees_a_ticket_issued_at_the_entrance(client, teller, guide, hall, window):
    client.force_login(teller)
    url = reverse("visit-panel")
    version = settled(client, url)
    visits.visit_issue(actor=guide, hall=hall, category=VisitCategory.GENERAL)
    response, queries = poll(client, url, version)
    assert "1 人等候" in response.content.decode()
    assert queries == SESSION_AND_USER + 3  # the version, the windows, one count per window
    version = version_in(response)
    # while the teller serves a ticket, the panel's poll costs the same
    visits.visit_issue(actor=guide, hall=hall, category=VisitCategory.GENERAL)
    visits.visit_call(actor=teller, window=window)
    response, queries = poll(client, url, version)
    assert response.status_code == 200 and queries == SESSION_AND_USER + 3


def test_hall_display_sees_a_call(client, teller, guide, hall, window):
    url = reverse("hall-display", kwargs={"code": hall.code})
    visit = visits.visit_issue(actor=guide, hall=hall, category=VisitCategory.GENERAL)
    version = settled(client, url, signed_in=False)
    visits.visit_call(actor=teller, window=window)
    response, _ = poll(client, url, version)
    assert visit.ticket in response.content.decode()
    assert_changed(client, url, version, signed_in=False)


def test_rating_tablet_sees_the_end_of_service(client, teller, guide, hall, window):
    url = reverse("visit-rate", kwargs={"code": hall.code, "number": window.number})
    visits.visit_issue(actor=guide, hall=hall, category=VisitCategory.GENERAL)
    visit = visits.visit_call(actor=teller, window=window)
    visits.visit_start(actor=teller, visit_id=visit.pk)
    version = settled(client, url, signed_in=False)
    visits.visit_end(actor=teller, visit_id=visit.pk)
    response, queries = poll(client, url, version)
    assert response.status_code == 200 and b"rating-form" in response.content
    assert queries <= RENDER_BUDGET


def test_case_state(client, teller, window, test_types):
    case = factories.ready_case(teller=teller, window=window, business_type=test_types.general)
    client.force_login(teller)
    url = reverse("case-state", args=[case.pk]) + f"?state={case.state}&teller={teller.pk}"
    version = settled(client, url)
    services.case_submit(actor=teller, case_id=case.pk, seen_state=CaseState.DRAFT)
    response, queries = poll(client, url, version)
    assert response.status_code == 204 and response["HX-Refresh"] == "true"  # the page reloads
    assert queries <= SESSION_AND_USER + RENDER_BUDGET


def test_review_queue(client, teller, window, reviewer, test_types):
    client.force_login(reviewer)
    url = reverse("review:queue-live")
    version = settled(client, url)
    case = factories.ready_case(teller=teller, window=window, business_type=test_types.general)
    services.case_submit(actor=teller, case_id=case.pk, seen_state=CaseState.DRAFT)
    response, queries = poll(client, url, version)
    assert case.number in response.content.decode()
    assert queries <= SESSION_AND_USER + RENDER_BUDGET


def test_review_queue_renders_at_least_once_a_minute(client, reviewer):
    """Its waiting times move with the clock, and its read enqueues the idle-claim release."""

    from django.utils import timezone

    client.force_login(reviewer)
    url = reverse("review:queue-live")
    version = settled(client, url)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61), tick=False):
        assert poll(client, url, version)[0].status_code == 200


# --------------------------------------------------------------------------- every writer


def test_each_visit_service_is_seen_by_the_next_poll(client, teller, guide, hall, window):
    """The call panel and the hall display after each of the visit's writes."""
    client.force_login(teller)
    panel = reverse("visit-panel")
    board = reverse("hall-display", kwargs={"code": hall.code})
    seen = {panel: settled(client, panel)}
    anonymous = client.__class__()
    seen[board] = settled(anonymous, board, signed_in=False)

    def step(write):
        write()
        for url, who in ((panel, client), (board, anonymous)):
            response, _ = poll(who, url, seen[url])
            assert response.status_code == 200, (write, url)
            seen[url] = version_in(response)

    first = visits.visit_issue(actor=guide, hall=hall, category=VisitCategory.GENERAL)
    step(lambda: visits.visit_issue(actor=guide, hall=hall, category=VisitCategory.GENERAL))
    step(lambda: visits.visit_call(actor=teller, window=window))
    step(lambda: visits.visit_recall(actor=teller, visit_id=first.pk))
    step(lambda: visits.visit_recall(actor=teller, visit_id=first.pk))
    step(lambda: visits.visit_no_show(actor=teller, visit_id=first.pk))
    second = visits.visit_call(actor=teller, window=window)
    step(lambda: visits.visit_start(actor=teller, visit_id=second.pk))
    step(lambda: visits.visit_end(actor=teller, visit_id=second.pk))
    step(
        lambda: visits.visit_rate(
            visit_id=second.pk, grade=RatingGrade.DISSATISFIED, reasons=["服务态度"]
        )
    )
    item = second.rating.rectification
    step(
        lambda: visits.rectification_callback(
            actor=guide, rectification_id=item.pk, outcome="已回访"
        )
    )


def test_each_case_service_is_seen_by_the_next_poll(client, teller, window, test_types):
    client.force_login(teller)
    url = reverse("case-worklist")
    seen = settled(client, url)

    def step(write):
        nonlocal seen
        write()
        response, _ = poll(client, url, seen)
        assert response.status_code == 200, write
        seen = version_in(response)

    case = services.case_open(actor=teller, window=window, business_type=test_types.general)
    step(
        lambda: services.case_set_documents(
            actor=teller, case_id=case.pk, seen_state=None, received=["form"]
        )
    )
    step(
        lambda: services.case_notify_missing(
            actor=teller, case_id=case.pk, seen_state=CaseState.DRAFT
        )
    )
    step(lambda: services.case_documents_received(actor=teller, case_id=case.pk, seen_state=None))
    step(
        lambda: services.case_withdraw(
            actor=teller, case_id=case.pk, seen_state=None, reason="不办了"
        )
    )


def test_reads_that_are_audited_bump_nothing_and_writes_bump_their_scope(hall):
    assert polls.scopes_of("pii.view") == ()
    assert polls.scopes_of("auth.login") == ()
    assert polls.scopes_of("visit.call") == (polls.VISITS,)
    assert polls.scopes_of("case.submit") == (polls.CASES,)
    assert polls.scopes_of("contribution.payment") == (polls.CASES,)  # unknown: bumps
    assert set(polls.scopes_of("admin.grant")) == {polls.CASES, polls.VISITS}
    polls.bump(hall.pk, ["pii.view"])
    assert not PollVersion.objects.filter(hall=hall).exists()
    polls.bump(hall.pk, ["visit.issue", "case.open"])
    polls.bump(hall.pk, ["case.submit"])
    row = PollVersion.objects.get(hall=hall)
    assert (row.cases, row.visits) == (2, 1)


def test_a_poll_keeps_the_idle_logout(client, teller):
    """The versioned poll still carries X-Counterhall-Poll: the idle clock is not reset,
    and after the idle time the poll goes to the login page (not a 204 "unchanged")."""

    from django.conf import settings
    from django.utils import timezone

    client.force_login(teller)
    client.get(reverse("home"))
    url = reverse("case-worklist")
    version = settled(client, url)
    with time_machine.travel(
        timezone.now() + dt.timedelta(minutes=settings.COUNTERHALL_IDLE_MINUTES + 1), tick=False
    ):
        response, _ = poll(client, url, version)
    assert response.status_code == 204 and response["HX-Redirect"].startswith(reverse("login"))


def test_the_call_panels_polls_keep_no_session_alive(client, teller):
    """The call panel's poll now carries X-Counterhall-Poll like the others: a home page
    left open ends its session, and the next poll goes to the login page."""

    from django.conf import settings
    from django.utils import timezone

    client.force_login(teller)
    client.get(reverse("home"))
    url = reverse("visit-panel")
    start = timezone.now()
    with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
        assert poll(client, url, None)[0].status_code == 200
    idle = settings.COUNTERHALL_IDLE_MINUTES
    with time_machine.travel(start + dt.timedelta(minutes=idle + 1), tick=False):
        response, _ = poll(client, url, None)
    assert response.status_code == 204 and response["HX-Redirect"].startswith(reverse("login"))


def test_the_bump_waits_for_the_commit(
    hall, guide, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        visits.visit_issue(actor=guide, hall=hall, category=VisitCategory.GENERAL)
        assert not PollVersion.objects.filter(hall=hall).exists()  # not inside the write
    assert callbacks
    for callback in callbacks:
        callback()
    assert PollVersion.objects.get(hall=hall).visits == 1


def test_a_rolled_back_write_bumps_nothing(
    hall, guide, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import transaction

    monkeypatch.undo()

    class Boom(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        visits.visit_issue(actor=guide, hall=hall, category=VisitCategory.GENERAL)
        raise Boom
    assert callbacks == [] and not PollVersion.objects.exists()


def test_every_fragment_renders_again_within_the_safety_bucket(client, teller):
    """Should a bump be lost (a process dying between its commit and its bump), the
    fragment still renders anew within ``SAFETY_SECONDS``."""

    from django.utils import timezone

    client.force_login(teller)
    url = reverse("case-worklist")
    version = settled(client, url)
    later = timezone.now() + dt.timedelta(seconds=polls.SAFETY_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert poll(client, url, version)[0].status_code == 200
