"""schemathesis against the OpenAPI schema, through the Django WSGI app: a bounded number of
generated requests per operation, signed in with a token of a teller (most operations) or
of an auditor (the audit log and spot checks), the case file's and the spot checks' paths
aimed at real objects — no 5xx, and every documented answer conforms to the schema."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from counterhall import services, spotchecks
from counterhall.wsgi import application
from tests import casework, factories
from tests.casefile import files

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


# Operations called as the auditor (the others as the teller).
AUDITOR_PATHS = ("/api/v1/audit/", "/api/v1/spot-checks/")
REVOKE = "/api/v1/auth/token/revoke/"


@pytest.fixture
def world(db, teller, other_teller, window, auditor, reviewer, test_types):
    """Tokens of a teller, an auditor and a spare one to revoke; a draft of the teller's
    with a scanned page (so the generated requests reach the case file's services, not only
    404s) and a spot-check sample with a finding on a completed case."""
    draft = factories.ready_case(teller=teller, window=window, business_type=test_types.general)
    services.case_pages_add(
        actor=teller, case_id=draft.pk, document_code="form", files=[files.jpeg()]
    )
    done = casework.complete(
        test_types.general, {"amount": "9.00"}, teller=teller, window=window, reviewer=reviewer
    )
    today = timezone.localdate()
    sample = spotchecks.sample_draw(
        actor=auditor, date_from=today, date_to=today, percentages={}, amount_over=0
    )
    return {
        "teller": Token.objects.create(user=teller).key,
        "auditor": Token.objects.create(user=auditor).key,
        "spare": Token.objects.create(user=other_teller).key,
        "case": draft.pk,
        "sample": sample.pk,
        "finding": sample.findings.get(case=done).pk,
    }


def aimed(case, world) -> None:
    """Point the generated path at the world's objects where the operation has them."""
    params = case.path_parameters
    if params is None:
        return
    path = case.operation.path
    if "/documents/" in path or path.endswith("/file.pdf"):
        params.update(id=world["case"], code="form")
        if params.get("number", 0) % 2:
            params["number"] = 1  # the page scanned (half the examples)
    elif path.startswith("/api/v1/spot-checks/{id}"):
        params["id"] = world["sample"]
        if "finding_id" in params:
            params["finding_id"] = world["finding"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms(case, world):
    role = "auditor" if case.operation.path.startswith(AUDITOR_PATHS) else "teller"
    if case.operation.path == REVOKE:
        role = "spare"  # revoking its own token: the teller's must stay valid for the rest
    aimed(case, world)
    case.headers = {**(case.headers or {}), "Authorization": f"Token {world[role]}"}
    response = case.call_wsgi()
    case.validate_response(response, checks=(not_a_server_error, response_schema_conformance))
