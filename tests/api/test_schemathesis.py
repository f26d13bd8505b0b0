"""schemathesis against the OpenAPI schema, through the Django WSGI app: a bounded number of
generated requests per operation, signed in with a token of a teller (most operations) —
no 5xx, and every documented answer conforms to the schema."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from counterhall.wsgi import application

MAX_EXAMPLES = 10


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Django's WSGI handler closes the connection at each request's start and end; inside
    the test's transaction it must stay open (Django's test client does the same)."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(db, settings, wsgi_keeps_the_test_connection):
    settings.ALLOWED_HOSTS = ["localhost"]  # werkzeug's test client's host
    return schemathesis.from_wsgi("/api/v1/schema/?format=json", application)


schema = schemathesis.from_pytest_fixture("api_schema")


@pytest.fixture
def token(db, teller, test_types):
    return Token.objects.create(user=teller).key


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms(case, token):
    case.headers = {**(case.headers or {}), "Authorization": f"Token {token}"}
    response = case.call_wsgi()
    case.validate_response(response, checks=(not_a_server_error, response_schema_conformance))
