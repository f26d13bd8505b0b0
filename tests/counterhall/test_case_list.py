"""The case list: every case the user may read (finished ones too), filtered, newest first,
keyset-paginated, in a fixed number of queries whatever the number of cases."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from counterhall import services
from counterhall.models import Case, CaseState
from tests import casework, factories

# The figure: 100,000 cases, on PostgreSQL (the production database; CI runs it
# there). On SQLite writing them takes ~50 s, so the SQLite run checks 20,000.
MANY = 100_000 if connection.vendor == "postgresql" else 20_000


def bulk_cases(count, *, teller, window, business_type, state=CaseState.DRAFT, start=0):
    """Cases written straight to the table (list reads only; no workflow is exercised)."""
    Case.objects.bulk_create(
        [
            Case(
                number=f"BK-{start + i:08d}",
                hall=window.hall,
                window=window,
                business_type=business_type,
                teller=teller,
                state=state,
                applicant_name="批量",
            )
            for i in range(count)
        ],
        batch_size=5000,
    )


def list_queries(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("case-list"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.fixture
def still_clock():
    """Writing many cases can take over a minute on a loaded machine; the session's
    last-action time is written once a minute (IdleLogoutMiddleware), which would count as
    queries of the page. The clock stands still for the count."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


def test_case_list_answers_in_the_same_number_of_queries_at_10_and_many_cases(
    client, teller, window, test_types, still_clock
):
    bulk_cases(10, teller=teller, window=window, business_type=test_types.general)
    client.force_login(teller)
    client.get(reverse("case-list"))  # session and caches warm
    few, response = list_queries(client)
    assert response.content.decode().count('class="state-draft"') == 10

    bulk_cases(MANY - 10, teller=teller, window=window, business_type=test_types.general, start=10)
    many, response = list_queries(client)
    paged, _ = list_queries(client, after=response.context["next_query"].split("after=")[1])

    assert few == many == paged
    assert response.content.decode().count('class="state-draft"') == 50
    assert 'id="next-page"' in response.content.decode()


def test_keyset_pages_show_every_case_once_in_order(client, teller, window, test_types):
    bulk_cases(120, teller=teller, window=window, business_type=test_types.general)
    client.force_login(teller)
    seen, url, pages = [], reverse("case-list"), 0
    while url:
        response = client.get(url)
        seen += [c.pk for c in response.context["cases"]]
        query = response.context["next_query"]
        url = reverse("case-list") + "?" + query if query else ""
        pages += 1
    assert pages == 3
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == len(set(seen)) == 120


def test_finished_cases_stay_findable_and_filters_narrow_the_list(
    client, teller, other_teller, reviewer, window, other_window, test_types
):
    done = factories.approved_case(
        reviewer=reviewer, teller=teller, window=window, business_type=test_types.general
    )
    done = services.case_complete(actor=teller, case_id=done.pk, seen_state=None)
    withdrawn = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    withdrawn = services.case_withdraw(
        actor=teller, case_id=withdrawn.pk, seen_state=None, reason="放弃"
    )
    theirs = casework.open_case(
        teller=other_teller, window=other_window, business_type=test_types.limited
    )
    client.force_login(teller)

    def numbers(**params):
        return {c.number for c in client.get(reverse("case-list"), params).context["cases"]}

    assert numbers() == {done.number, withdrawn.number, theirs.number}
    assert numbers(state="completed") == {done.number}
    assert numbers(teller=other_teller.pk) == {theirs.number}
    assert numbers(window=other_window.pk) == {theirs.number}
    assert numbers(business_type=test_types.limited.pk) == {theirs.number}
    assert numbers(immediate="on") == {done.number}
    today = timezone.localdate().isoformat()
    assert numbers(date_from=today, date_to=today) == {done.number, withdrawn.number, theirs.number}
    assert numbers(date_to="2000-01-01") == set()


def test_overdue_filter_lists_open_cases_past_their_promised_date(
    client, teller, window, test_types
):
    late = factories.submitted_case(teller=teller, window=window, business_type=test_types.limited)
    factories.submitted_case(teller=teller, window=window, business_type=test_types.limited)
    Case.objects.filter(pk=late.pk).update(promised_deadline=dt.date(2020, 1, 1))
    client.force_login(teller)

    cases = client.get(reverse("case-list"), {"overdue": "on"}).context["cases"]

    assert [c.pk for c in cases] == [late.pk]


def test_special_cases_are_not_listed_for_a_general_teller(
    client, other_teller, special_clerk, special_window, test_types
):
    special = casework.open_case(
        teller=special_clerk, window=special_window, business_type=test_types.special
    )
    client.force_login(other_teller)
    assert special.number not in client.get(reverse("case-list")).content.decode()


@pytest.mark.parametrize("cursor", ["garbage", "2026-01-01~x", "~"])
def test_a_bad_cursor_shows_the_first_page(client, teller, window, test_types, cursor):
    bulk_cases(3, teller=teller, window=window, business_type=test_types.general)
    client.force_login(teller)
    assert len(client.get(reverse("case-list"), {"after": cursor}).context["cases"]) == 3


def test_date_filters_are_ranges_on_the_indexed_column(teller):
    """``created_at__date`` casts every row (no index); a range on created_at uses
    (hall, -created_at, -id)."""
    from counterhall.selectors import filtered_cases

    day = dt.date(2026, 3, 1)
    sql = str(filtered_cases(user=teller, filters={"date_from": day, "date_to": day}).query)
    assert "cast_date" not in sql.lower() and "at time zone" not in sql.lower()
    assert "created_at" in sql
