"""Counter browsers log out after 30 minutes without a human action; a page that polls does
not keep an idle session alive, and its next poll sends the browser to the login page."""

import datetime as dt

import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from counterhall.middleware import POLL_HEADER

POLL = {"HX-Request": "true", POLL_HEADER: "1"}


def later(minutes):
    return time_machine.travel(timezone.now() + dt.timedelta(minutes=minutes), tick=False)


def test_a_human_action_keeps_the_session_and_polls_do_not(client, teller):
    client.force_login(teller)
    assert client.get(reverse("home")).status_code == 200  # the last human action
    # the home page stays open and polls its work list for 29 minutes: still signed in
    with later(29):
        assert client.get(reverse("case-worklist"), headers=POLL).status_code == 200
    # 31 minutes after the last human action, the next poll goes to the login page
    with later(31):
        response = client.get(reverse("case-worklist"), headers=POLL)
        assert response.status_code == 204
        assert response["HX-Redirect"].startswith(reverse("login"))
        # and the session is gone: a page now asks for the login
        page = client.get(reverse("home"))
        assert page.status_code == 302 and page["Location"].startswith(reverse("login"))


def test_a_page_after_the_idle_time_says_why_it_logged_out(client, teller):
    client.force_login(teller)
    client.get(reverse("home"))
    with later(settings.COUNTERHALL_IDLE_MINUTES + 1):
        response = client.get(reverse("case-list"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "未操作，为保护办事人信息已自动退出" in response.content.decode()


def test_working_at_the_counter_keeps_the_session(client, teller):
    client.force_login(teller)
    for minutes in (0, 20, 40, 60):  # a human request every 20 minutes
        with later(minutes):
            assert client.get(reverse("home")).status_code == 200


def test_the_session_ends_with_the_browser():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
