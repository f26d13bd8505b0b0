import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from counterhall.roles import Role
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hall_admin(hall):
    return factories.UserFactory(username="adm", roles=[Role.HALL_ADMIN], hall=hall)


def token_client(username: str, password: str = "pw-for-tests") -> APIClient:  # noqa: S107
    """A client that authenticates with a token only, obtained through the API."""
    client = APIClient()
    r = client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert r.status_code == 200, r.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {r.json()['token']}")
    return client


@pytest.fixture
def api_as():
    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make
