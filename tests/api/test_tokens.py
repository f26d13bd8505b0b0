"""Tokens: issued for a username and password, expiring, revocable by their holder and the
hall admin; refused requests audited like failed logins; the token endpoint throttled."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from counterhall.models import AuditEntry
from tests import factories
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"
REVOKE = "/api/v1/auth/token/revoke/"


def test_a_token_opens_the_api_and_is_audited(teller):
    r = APIClient().post(TOKEN, {"username": "t1", "password": "pw-for-tests"}, format="json")
    assert r.status_code == 200
    body = r.json()
    assert Token.objects.get(user=teller).key == body["token"]
    assert dt.datetime.fromisoformat(body["expires"]) > timezone.now() + dt.timedelta(hours=11)
    assert AuditEntry.objects.filter(action="api.token_issue", actor=teller).count() == 1
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert client.get("/api/v1/cases/").status_code == 200
    again = APIClient().post(TOKEN, {"username": "t1", "password": "pw-for-tests"}, format="json")
    assert again.json()["token"] == body["token"]  # the one they hold while it lasts


@pytest.mark.parametrize(
    ("username", "password"),
    [("t1", "wrong"), ("nobody", "pw-for-tests"), ("nohall", "pw-for-tests")],
)
def test_refused_token_requests_are_audited(teller, username, password):
    factories.UserFactory(username="nohall")  # a user without a hall: no token
    r = APIClient().post(TOKEN, {"username": username, "password": password}, format="json")
    assert r.status_code == 400
    assert r["Content-Type"] == "application/problem+json"
    entry = AuditEntry.objects.get(action="api.token_refused")
    assert entry.actor is None and entry.after["username"] == username
    assert not Token.objects.exists()


def test_an_expired_token_is_refused_and_renewed(teller, settings):
    settings.COUNTERHALL_API_TOKEN_HOURS = 1
    client = token_client("t1")
    assert client.get("/api/v1/cases/").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=61)):
        r = client.get("/api/v1/cases/")
        assert r.status_code == 401
        assert "过期" in r.json()["detail"]
        old = Token.objects.get(user=teller).key
        renewed = token_client("t1")
        assert renewed.get("/api/v1/cases/").status_code == 200
        assert Token.objects.get(user=teller).key != old


def test_the_holder_revokes_their_token(teller):
    client = token_client("t1")
    r = client.post(REVOKE, {}, format="json")
    assert r.json() == {"username": "t1", "revoked": True}
    assert client.get("/api/v1/cases/").status_code == 401
    assert AuditEntry.objects.filter(action="api.token_revoke").count() == 1


def test_the_hall_admin_revokes_a_staff_token_a_teller_may_not(teller, other_teller, hall_admin):
    held = token_client("t2")
    refused = token_client("t1").post(REVOKE, {"username": "t2"}, format="json")
    assert refused.status_code == 403
    assert held.get("/api/v1/cases/").status_code == 200
    admin = token_client("adm")
    assert admin.post(REVOKE, {"username": "t2"}, format="json").json()["revoked"] is True
    assert held.get("/api/v1/cases/").status_code == 401


def test_the_token_endpoint_is_throttled(teller, settings):
    settings.COUNTERHALL_API_THROTTLE_RATES = {
        "anon": "100/min",
        "user": "100/min",
        "token": "3/min",
    }
    client = APIClient()
    codes = [
        client.post(TOKEN, {"username": "t1", "password": "wrong"}, format="json").status_code
        for _ in range(5)
    ]
    assert codes == [400, 400, 400, 429, 429]
    r = client.post(TOKEN, {"username": "t1", "password": "pw-for-tests"}, format="json")
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert AuditEntry.objects.filter(action="api.token_refused").count() == 3


def test_anonymous_and_per_user_calls_are_throttled(teller, settings):
    settings.COUNTERHALL_API_THROTTLE_RATES = {"anon": "2/min", "user": "3/min", "token": "9/min"}
    anonymous = APIClient()
    assert [anonymous.get("/api/v1/").status_code for _ in range(3)] == [200, 200, 429]
    signed_in = APIClient()
    signed_in.force_authenticate(teller)
    assert [signed_in.get("/api/v1/cases/").status_code for _ in range(4)] == [200, 200, 200, 429]
