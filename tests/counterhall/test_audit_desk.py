"""The auditor's desk: the log filtered and keyset-paginated in a fixed number of queries,
every row linking to its case, the case timeline and the streamed CSV export."""

import csv
import datetime as dt
import io
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from counterhall import audit, auditlog, permissions, services
from counterhall.models import AuditEntry
from tests import casework, factories

pytestmark = pytest.mark.django_db


def bulk_entries(count, *, hall, actor=None, action="case.submit", note="", start=0):
    """Entries written straight to the table (reads only; digests are not the point)."""
    now = timezone.now()
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                at=now - dt.timedelta(seconds=start + i),
                actor=actor,
                actor_name=actor.username if actor else "系统",
                hall=hall,
                action=action,
                target_type="counterhall.case",
                target_id=str(start + i),
                target_label=f"BK-{start + i:08d}",
                note=note,
                digest="0" * 64,
            )
            for i in range(count)
        ],
        batch_size=5000,
    )


def log_page(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("audit-log"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_only_auditors_and_hall_admins_open_the_desk(client, teller, auditor):
    client.force_login(teller)
    assert client.get(reverse("audit-log")).status_code == 403
    assert client.get(reverse("audit-export")).status_code == 403
    client.force_login(auditor)
    page = client.get(reverse("audit-log")).content.decode()
    assert 'id="audit-log"' in page
    home = client.get(reverse("home")).content.decode()
    assert 'id="nav-audit"' in home  # the auditor's menu leads to the desk


def test_the_log_answers_in_the_same_number_of_queries_at_10_and_5000_entries(
    client, auditor, hall, teller
):
    bulk_entries(10, hall=hall, actor=teller)
    client.force_login(auditor)
    client.get(reverse("audit-log"))  # session warm
    few, response = log_page(client)
    assert [e.action for e in response.context["entries"]].count("case.submit") == 10
    few_filtered, _ = log_page(client, actor=teller.pk, action="case.", window="")
    bulk_entries(4990, hall=hall, actor=teller, start=10)
    many, response = log_page(client)
    cursor = response.context["next_query"].split("after=")[1]
    paged, _ = log_page(client, after=cursor)
    filtered, _ = log_page(client, actor=teller.pk, action="case.", window="")
    assert few == many == paged
    assert few_filtered == filtered  # a filter costs its own lookup, never one per row
    assert len(response.context["entries"]) == auditlog.LOG_PAGE


def test_keyset_pages_show_every_entry_once_newest_first(auditor, hall, teller):
    bulk_entries(120, hall=hall, actor=teller)
    seen, after, pages = [], "", 0
    while True:
        rows, after = auditlog.audit_log(user=auditor, after=after)
        seen += [e.pk for e in rows]
        pages += 1
        if not after:
            break
    assert pages == 3
    ats = list(AuditEntry.objects.filter(pk__in=seen).order_by("-at", "-pk").values_list("pk"))
    assert seen == [pk for (pk,) in ats]
    assert len(seen) == len(set(seen)) == 120


def test_filters_narrow_the_log_and_rows_link_to_their_case(
    client, auditor, teller, other_teller, window, other_window, test_types, hall
):
    mine = factories.ready_case(teller=teller, window=window, business_type=test_types.general)
    other = factories.ready_case(
        teller=other_teller, window=other_window, business_type=test_types.limited
    )
    services.case_submit(actor=teller, case_id=mine.pk, seen_state=None)
    old = AuditEntry.objects.filter(target_id=str(other.pk)).values_list("pk", flat=True)

    def pks(**filters):
        return {e.pk for e in auditlog.audit_log(user=auditor, **filters)[0]}

    everything = pks()
    assert set(old) <= everything
    assert pks(actor=teller) == set(
        AuditEntry.objects.filter(actor=teller).values_list("pk", flat=True)
    )
    assert pks(window=other_window) == set(old)
    assert pks(business_type=test_types.limited) == set(old)
    assert pks(case_number=mine.number.lower()) == set(
        AuditEntry.objects.filter(target_id=str(mine.pk)).values_list("pk", flat=True)
    )
    submit = AuditEntry.objects.get(action="case.submit")
    assert pks(action="case.submit") == {submit.pk}
    today = timezone.localdate()
    assert pks(date_from=today, date_to=today) == everything
    assert pks(date_to=today - dt.timedelta(days=1)) == set()
    assert pks(subject="张三") >= {submit.pk}  # the applicant of the cases

    client.force_login(auditor)
    page = client.get(reverse("audit-log"), {"case_number": mine.number}).content.decode()
    assert reverse("audit-case", args=[mine.pk]) in page


def test_an_auditor_reads_only_their_own_halls_log(auditor, hall, teller):
    other_hall = factories.HallFactory(code="OT", name="另一大厅")
    bulk_entries(3, hall=other_hall)
    bulk_entries(2, hall=hall, actor=teller, start=10)
    rows, _ = auditlog.audit_log(user=auditor)
    assert {e.hall_id for e in rows} == {hall.pk}


def test_the_timeline_shows_steps_waits_figures_and_signatures(
    client, auditor, teller, window, reviewer, leader, finance, test_types
):
    case = factories.ready_case(teller=teller, window=window, business_type=test_types.limited)
    case = casework.approve(case, teller=teller, reviewer=reviewer, signers=(leader, finance))
    services.case_complete(actor=teller, case_id=case.pk, seen_state=None)

    timeline = auditlog.case_timeline(user=auditor, case_id=case.pk)
    actions = [s.entry.action for s in timeline.steps]
    assert actions[:4] == ["case.open", "case.documents", "case.application", "case.submit"]
    assert actions[-1] == "case.complete"
    submit = next(s for s in timeline.steps if s.entry.action == "case.submit")
    assert submit.state_before == "draft" and submit.state_after == "submitted"
    assert submit.waited is not None and submit.waited >= dt.timedelta()
    assert submit.figures == case.figures  # the figures frozen at that step
    assert dict(timeline.states).keys() >= {"draft", "submitted", "in_review", "awaiting_signoff"}
    assert {s.signer for s in timeline.signatures} == {leader, finance}

    client.force_login(auditor)
    page = client.get(reverse("audit-case", args=[case.pk])).content.decode()
    assert 'id="timeline"' in page and 'id="state-durations"' in page
    assert 'id="timeline-signatures"' in page
    assert f'<span class="signature">{permissions.staff_name(leader)} ' in page


def test_csv_cells_that_look_like_formulas_are_neutralised():
    for bad in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert auditlog.csv_cell(bad) == "'" + bad
    assert auditlog.csv_cell("张三") == "张三"
    assert auditlog.csv_cell(None) == ""


def test_the_export_streams_utf8_with_bom_masked_and_neutralised(client, auditor, hall, teller):
    bulk_entries(3, hall=hall, actor=teller, note="=HYPERLINK(1) 6222000000001234")
    client.force_login(auditor)
    response = client.get(reverse("audit-export"), {"actor": teller.pk})
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "时间", "操作人"]
    assert len(rows) == 4
    note = rows[1][auditlog.CSV_HEADER.index("说明")]
    assert note == "'=HYPERLINK(1) ************1234"


def _export_peak(entries) -> int:
    tracemalloc.start()
    for _line in auditlog.csv_rows(entries, chunk_size=500):
        pass
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def test_the_export_runs_in_constant_memory(hall, teller):
    """The issue's figure is a million entries (bench); memory at 2,000 and at 20,000 entries
    stays within the same bound: rows are never held all at once."""
    bulk_entries(2000, hall=hall, actor=teller, note="x" * 200)
    entries = AuditEntry.objects.all()
    small = _export_peak(entries)
    bulk_entries(18000, hall=hall, actor=teller, note="x" * 200, start=2000)
    large = _export_peak(entries)
    assert large < small * 2 + 512 * 1024, (small, large)
    assert large < 8 * 1024 * 1024


def test_audit_actions_of_the_desk_are_registered():
    assert "spotcheck.draw" in audit.ACTIONS and "spotcheck.finding" in audit.ACTIONS


def test_the_desks_tabs_mark_the_page_open(client, auditor):
    client.force_login(auditor)
    for name in ("audit-log", "audit-samples", "audit-pii-views"):
        html = client.get(reverse(name)).content.decode()
        nav = html[
            html.index('id="audit-desk-nav"') : html.index("</nav>", html.index("audit-desk-nav"))
        ]
        assert nav.count('aria-current="page"') == 1, name
        assert f'href="{reverse(name)}" aria-current="page"' in nav, name
