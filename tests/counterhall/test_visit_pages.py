"""The visit's pages through the client: the ticket desk and slip, the call panel's posts,
the hall display, the rating tablet and the rectification list."""

import pytest
from django.urls import reverse

from counterhall import demo
from counterhall import visit_services as visits
from counterhall.models import AuditEntry, RatingGrade, Rectification, Visit, VisitStatus


@pytest.fixture
def seeded(db):
    return demo.seed(business_data=False)


@pytest.fixture
def users(seeded):
    return seeded["users"]


def issue(client, users, category="general"):
    client.force_login(users["admin"])
    response = client.post(reverse("visit-tickets"), {"category": category})
    client.logout()
    return response


def test_ticket_desk_issues_and_prints_a_slip(client, users):
    issue(client, users)
    client.force_login(users["admin"])
    response = client.post(reverse("visit-tickets"), {"category": "general"}, follow=True)
    body = response.content.decode()
    assert "A002" in body and "您前面还有 1 人等候" in body and "一般业务" in body
    assert 'class="slip paper-80"' in body
    slip = Visit.objects.get(ticket="A002")
    a4 = client.get(reverse("visit-slip", args=[slip.pk]) + "?paper=a4").content.decode()
    assert 'class="slip paper-a4"' in a4


def test_ticket_desk_refused_to_a_reviewer(client, users):
    client.force_login(users["reviewer1"])
    assert client.get(reverse("visit-tickets")).status_code == 403
    assert client.post(reverse("visit-tickets"), {"category": "general"}).status_code == 403
    assert Visit.objects.count() == 0


def test_call_with_nobody_waiting_says_so(client, users, seeded):
    client.force_login(users["teller1"])
    response = client.post(reverse("visit-call"), {"window": seeded["windows"][1].pk}, follow=True)
    assert "当前无人等候" in response.content.decode()


def test_call_recall_no_show_through_the_home_page(client, users, seeded):
    issue(client, users)
    client.force_login(users["teller1"])
    body = client.get(reverse("home")).content.decode()
    assert 'data-action="call"' in body and "1 人等候" in body
    client.post(reverse("visit-call"), {"window": seeded["windows"][1].pk})
    visit = Visit.objects.get()
    body = client.get(reverse("home")).content.decode()
    assert 'data-ticket="A001"' in body and 'data-action="recall"' in body
    for calls in (1, 1, 2):  # the second post is a double click: refused as stale
        client.post(reverse("visit-act", args=[visit.pk, "recall"]), {"seen_calls": calls})
    visit.refresh_from_db()
    assert visit.calls == 3
    client.post(reverse("visit-act", args=[visit.pk, "no-show"]))
    visit.refresh_from_db()
    assert visit.status == VisitStatus.NO_SHOW
    assert AuditEntry.objects.filter(action="visit.recall").count() == 2


def test_second_call_while_serving_is_refused_on_the_page(client, users, seeded):
    issue(client, users)
    issue(client, users)
    client.force_login(users["teller1"])
    client.post(reverse("visit-call"), {"window": seeded["windows"][1].pk})
    response = client.post(reverse("visit-call"), {"window": seeded["windows"][1].pk}, follow=True)
    assert "请先结束办理" in response.content.decode()
    assert Visit.objects.filter(status=VisitStatus.CALLED).count() == 1


def test_transfer_from_the_page(client, users, seeded):
    issue(client, users)
    client.force_login(users["teller1"])
    client.post(reverse("visit-call"), {"window": seeded["windows"][1].pk})
    visit = Visit.objects.get()
    client.post(
        reverse("visit-transfer", args=[visit.pk]),
        {"to_window": seeded["windows"][2].pk, "reason": "需要社保卡业务", "seen_status": "called"},
    )
    visit.refresh_from_db()
    assert (visit.status, visit.window.number, visit.transfer_reason) == (
        VisitStatus.WAITING,
        2,
        "需要社保卡业务",
    )


def test_display_needs_no_login_and_shows_the_call(client, users, seeded):
    issue(client, users)
    client.force_login(users["teller1"])
    client.post(reverse("visit-call"), {"window": seeded["windows"][1].pk})
    client.logout()
    url = reverse("hall-display", args=["WQ"])
    body = client.get(url).content.decode()
    assert 'data-ticket="A001" data-window="1"' in body
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith('<main id="display-board"')


def test_display_runs_a_fixed_number_of_queries(client, users, seeded):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("hall-display", args=["WQ"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(url, headers={"HX-Request": "true"})
        return len(ctx)

    empty = count()
    for _ in range(8):
        issue(client, users)
    for n in (1, 2, 3):
        visits.visit_call(actor=users[f"teller{n}"], window=seeded["windows"][n])
    assert count() == empty <= 5


def served_visit(users, seeded):
    visits.visit_issue(actor=users["admin"], hall=seeded["hall"], category="general")
    visit = visits.visit_call(actor=users["teller1"], window=seeded["windows"][1])
    visits.visit_start(actor=users["teller1"], visit_id=visit.pk)
    return visits.visit_end(actor=users["teller1"], visit_id=visit.pk)


def test_tablet_rates_the_visit_just_served_once(client, users, seeded):
    url = reverse("visit-rate", args=["WQ", 1])
    assert "欢迎监督评价" in client.get(url).content.decode()
    visit = served_visit(users, seeded)
    body = client.get(url).content.decode()
    assert "A001 号" in body and "非常不满意" in body
    response = client.post(
        url,
        {"visit": visit.pk, "grade": RatingGrade.VERY_DISSATISFIED, "reasons": ["服务态度"]},
        follow=True,
    )
    assert "感谢您的评价" in response.content.decode()
    assert visit.rating.grade == RatingGrade.VERY_DISSATISFIED
    assert visit.rating.reasons == ["服务态度"]
    again = client.post(url, {"visit": visit.pk, "grade": RatingGrade.SATISFIED}, follow=True)
    assert "已评价" in again.content.decode()
    assert Rectification.objects.count() == 1


def test_tablet_decline(client, users, seeded):
    visit = served_visit(users, seeded)
    client.post(reverse("visit-rate", args=["WQ", 1]), {"visit": visit.pk, "decline": "on"})
    visit.refresh_from_db()
    assert visit.rating.declined and visit.rating.grade is None


def test_tablet_of_another_window_cannot_rate(client, users, seeded):
    visit = served_visit(users, seeded)
    client.post(
        reverse("visit-rate", args=["WQ", 2]), {"visit": visit.pk, "grade": RatingGrade.SATISFIED}
    )
    assert not Visit.objects.filter(rating__isnull=False).exists()


def test_rectification_list_and_callback(client, users, seeded):
    visit = served_visit(users, seeded)
    visits.visit_rate(visit_id=visit.pk, grade=RatingGrade.DISSATISFIED)
    item = Rectification.objects.get()
    client.force_login(users["teller1"])
    assert client.get(reverse("visit-rectifications")).status_code == 403
    client.force_login(users["leader1"])
    home = client.get(reverse("home")).content.decode()
    assert "待回访 1 项" in home
    body = client.get(reverse("visit-rectifications")).content.decode()
    assert item.deadline.isoformat() in body
    client.post(reverse("visit-rectifications"), {"item": item.pk, "outcome": "已电话致歉"})
    item.refresh_from_db()
    assert item.is_closed and item.callback_by == users["leader1"]


def test_overdue_rectification_shows_on_admin_home(client, users, seeded):
    import datetime as dt

    visit = served_visit(users, seeded)
    visits.visit_rate(visit_id=visit.pk, grade=RatingGrade.DISSATISFIED)
    Rectification.objects.update(deadline=dt.date(2020, 1, 2))
    client.force_login(users["admin"])
    body = client.get(reverse("home")).content.decode()
    assert 'id="rectifications-overdue"' in body and "2020-01-02" in body


def test_case_page_counts_visits_from_visits(client, users, seeded):
    from tests import casework

    visits.visit_issue(actor=users["admin"], hall=seeded["hall"], category="general")
    visits.visit_call(actor=users["teller1"], window=seeded["windows"][1])
    case = casework.open_case("REG01", teller=users["teller1"], window=seeded["windows"][1])
    client.force_login(users["teller1"])
    body = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert '<dd id="case-visits">1</dd>' in body


def test_demo_seeds_todays_visits_once(db):
    demo.seed()
    demo.seed()
    assert Visit.objects.filter(status=VisitStatus.WAITING).count() == 3
    assert Visit.objects.filter(status=VisitStatus.SERVED).count() == 2
    assert Rectification.objects.count() == 1


def test_todays_figures_come_from_the_timestamps(client, users, seeded):
    import datetime as dt

    from counterhall import visit_selectors

    good = served_visit(users, seeded)
    visits.visit_rate(visit_id=good.pk, grade=RatingGrade.SATISFIED)
    poor = served_visit(users, seeded)
    visits.visit_rate(visit_id=poor.pk, grade=RatingGrade.VERY_DISSATISFIED)
    declined = served_visit(users, seeded)
    visits.visit_rate(visit_id=declined.pk, declined=True)
    base = good.issued_at
    Visit.objects.filter(pk=good.pk).update(
        called_at=base + dt.timedelta(minutes=4),
        service_started_at=base + dt.timedelta(minutes=5),
        service_ended_at=base + dt.timedelta(minutes=17),
    )
    Visit.objects.filter(pk__in=[poor.pk, declined.pk]).update(
        called_at=base + dt.timedelta(minutes=10),
        service_started_at=base + dt.timedelta(minutes=10),
        service_ended_at=base + dt.timedelta(minutes=16),
    )
    visits.visit_issue(actor=users["admin"], hall=seeded["hall"], category="general")

    figures = visit_selectors.today_figures(seeded["hall"])

    assert figures["tickets"] == 4 and figures["served"] == 3 and figures["no_show"] == 0
    assert figures["median_service_minutes"] == 6.0
    assert figures["rated"] == 2 and figures["satisfied_percent"] == 50
    client.force_login(users["admin"])
    body = client.get(reverse("home")).content.decode()
    assert 'data-figure="service">6.0<' in body and "满意率 50%" in body


def test_idle_tablet_poll_brings_the_rating_form_when_service_ends(client, users, seeded):
    url = reverse("visit-rate", args=["WQ", 1])
    idle = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'id="rating-idle"' in idle and "<html" not in idle
    served_visit(users, seeded)
    polled = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'id="rating-form"' in polled and "csrfmiddlewaretoken" in polled


def test_special_clerk_calls_the_special_queue(client, users, seeded):
    issue(client, users, category="general")
    issue(client, users, category="special")
    client.force_login(users["special1"])
    client.post(reverse("visit-call"), {"window": seeded["windows"][7].pk})
    assert Visit.objects.get(status=VisitStatus.CALLED).ticket == "T001"
