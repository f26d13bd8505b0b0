"""The queue page: order, figures, live fragment, take-next, and a query count that does not
grow with the queue."""

from django.urls import reverse

from counterhall.models import CaseState
from review.services import case_take_next
from tests.review.conftest import bulk_submitted


def test_queue_page_lists_the_queue_with_its_figures(client, clock, submitted, reviewer):
    older = submitted()
    clock.advance(minutes=30)
    newer = submitted()
    clock.advance(minutes=10)
    client.force_login(reviewer)

    html = client.get(reverse("review:queue")).content.decode()

    assert html.index(older.number) < html.index(newer.number)
    assert 'id="queue-length">2 件' in html
    assert 'id="oldest-wait">40 分钟' in html
    assert 'hx-get="/review/live/"' in html
    assert 'hx-trigger="every 5s"' in html


def test_median_wait_today_comes_from_todays_claims(client, clock, submitted, reviewer, hall):
    hall.claim_idle_minutes = 60
    hall.save()
    submitted(), submitted(), submitted()
    for minutes in (2, 4, 30):
        clock.advance(minutes=minutes)
        case_take_next(actor=reviewer)
    client.force_login(reviewer)

    html = client.get(reverse("review:queue-live")).content.decode()

    # waits: 2, 6 and 36 minutes → median 6
    assert 'id="median-wait">6 分钟' in html
    assert 'id="queue-length">0 件' in html


def test_take_next_button_opens_the_review_screen(client, submitted, reviewer):
    case = submitted()
    client.force_login(reviewer)

    response = client.post(reverse("review:take-next"))

    assert response.status_code == 302
    assert response.url == reverse("review:case", args=[case.pk])
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW


def test_take_next_on_an_empty_queue_says_so(client, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("review:take-next"), follow=True)
    assert "队列中暂无您可以复核的业务" in response.content.decode()


def test_tellers_cannot_open_the_queue(client, teller):
    client.force_login(teller)
    assert client.get(reverse("review:queue")).status_code == 403
    assert client.post(reverse("review:take-next")).status_code == 403


def test_queue_is_in_the_reviewers_nav(client, reviewer, teller):
    client.force_login(reviewer)
    assert reverse("review:queue") in client.get(reverse("home")).content.decode()
    client.force_login(teller)
    assert reverse("review:queue") not in client.get(reverse("home")).content.decode()


def test_queue_page_query_count_does_not_grow(
    client, teller, window, reviewer, submitted, test_types, django_assert_max_num_queries
):
    # one real case claimed and decided, so every part of the page has rows
    submitted()
    case_take_next(actor=reviewer)
    bulk_submitted(n=10, teller=teller, window=window, business_type=test_types.general)
    client.force_login(reviewer)
    client.get(reverse("review:queue"))  # warm the session

    with django_assert_max_num_queries(40) as small:
        assert client.get(reverse("review:queue")).status_code == 200
    bulk_submitted(n=990, teller=teller, window=window, business_type=test_types.limited)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("review:queue"))
    assert 'id="queue-length">1000 件' in response.content.decode()


def test_polls_after_logout_send_the_page_to_login(client, db):
    for name in ("review:queue-live", "case-worklist"):
        response = client.get(reverse(name), headers={"HX-Request": "true"})
        assert response.status_code == 204
        assert response["HX-Redirect"].startswith(reverse("login"))
    assert client.get(reverse("review:queue")).status_code == 302
