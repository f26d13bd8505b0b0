"""The permission matrix (after NetBox's API tests): every endpoint × every role as one
table, each cell the status expected — object-level included: a teller of window 2 reads
window 1's general case (one hall, any window) but may not act on it (403); a case the
caller may not read is 404 (a general teller and the special clerk's case, its pages and
its case file; a reviewer and a case not yet submitted); an act not possible from the
case's state is 409; only an auditor draws spot checks and records findings; a
special-business visit is 404 to a general teller, and only the visit's teller acts on it
(403)."""

import datetime as dt
import functools

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from counterhall import services, spotchecks, visit_services
from counterhall.models import VisitCategory
from counterhall.roles import Role
from tests import casework, factories
from tests import masterdata as md
from tests.casefile import files

pytestmark = pytest.mark.django_db

ROLES = (
    "teller",  # t1, window 1
    "teller2",  # t2, window 2
    "special_clerk",  # s1, special window 9
    "reviewer",
    "leader",
    "finance",
    "auditor",
    "hall_admin",
    "anonymous",
)
TODAY = timezone.localdate()
LATER = TODAY + dt.timedelta(days=3)

# endpoint: (method, path, body) — {general} / {special}: the world's two draft cases.
ENDPOINTS = {
    "root": ("get", "/api/v1/", None),
    "schema": ("get", "/api/v1/schema/", None),
    "docs": ("get", "/api/v1/docs/", None),
    "token": ("post", "/api/v1/auth/token/", "own credentials"),
    "token-revoke": ("post", "/api/v1/auth/token/revoke/", {}),
    "catalogue": ("get", "/api/v1/catalogue/", None),
    "catalogue-type": ("get", "/api/v1/catalogue/TST01/", None),
    "employers": ("get", f"/api/v1/employers/?uscc={md.USCC_A}", None),
    "persons": ("get", f"/api/v1/persons/?id_number={md.ID_MALE}", None),
    "persons-reveal": ("get", f"/api/v1/persons/?id_number={md.ID_MALE}&reveal=1", None),
    "cases": ("get", "/api/v1/cases/", None),
    "cases-create": (
        "post",
        "/api/v1/cases/",
        {"business_type": "TST01", "payload": {"amount": "1.00"}, "documents_received": ["form"]},
    ),
    "case-general": ("get", "/api/v1/cases/{general}/", None),
    "case-special": ("get", "/api/v1/cases/{special}/", None),
    "submit-general": ("post", "/api/v1/cases/{general}/submit/", {"seen_state": "draft"}),
    "withdraw-special": ("post", "/api/v1/cases/{special}/withdraw/", {"reason": "不办了"}),
    "approve-general": ("post", "/api/v1/cases/{general}/approve/", {}),
    "continue-general": ("post", "/api/v1/cases/{general}/continue/", {}),
    "search": ("get", "/api/v1/search/?q=%E5%BC%A0%E4%B8%89", None),
    "take-next": ("post", "/api/v1/review/take-next/", None),
    "signoff": ("get", "/api/v1/signoff/", None),
    "signoff-sign": ("post", "/api/v1/signoff/sign/", {"case_ids": []}),
    "delegations": ("get", "/api/v1/delegations/", None),
    "delegations-create": (
        "post",
        "/api/v1/delegations/",
        {"delegate": "adm", "role": "reviewer", "starts_on": str(TODAY), "ends_on": str(LATER)},
    ),
    "audit": ("get", "/api/v1/audit/", None),
    "audit-verify": ("get", "/api/v1/audit/verify/", None),
    "pages-general": ("get", "/api/v1/cases/{general}/documents/form/pages/", None),
    "pages-special": ("get", "/api/v1/cases/{special}/documents/form/pages/", None),
    "pages-upload-general": ("post", "/api/v1/cases/{general}/documents/form/pages/", "scan"),
    "pages-upload-special": ("post", "/api/v1/cases/{special}/documents/form/pages/", "scan"),
    "page-general": ("get", "/api/v1/cases/{general}/documents/form/pages/1/", None),
    "page-special": ("get", "/api/v1/cases/{special}/documents/form/pages/1/", None),
    "file-general": ("get", "/api/v1/cases/{general}/file.pdf", None),
    "file-special": ("get", "/api/v1/cases/{special}/file.pdf", None),
    "spot-checks": ("get", "/api/v1/spot-checks/", None),
    "spot-checks-draw": (
        "post",
        "/api/v1/spot-checks/",
        {"date_from": str(TODAY), "date_to": str(TODAY), "amount_over": "0"},
    ),
    "spot-check": ("get", "/api/v1/spot-checks/{sample}/", None),
    "spot-check-finding": (
        "post",
        "/api/v1/spot-checks/{sample}/findings/{finding}/",
        {"verdict": "in_order"},
    ),
    "metrics": ("get", "/api/v1/metrics/?group_by=teller", None),
    "tickets": ("post", "/api/v1/tickets/", {"category": "general"}),
    "call-next": ("post", "/api/v1/windows/1/call-next/", None),
    "visit-general": ("get", "/api/v1/visits/{served}/", None),
    "visit-special": ("get", "/api/v1/visits/{special_visit}/", None),
    "visit-recall": ("post", "/api/v1/visits/{called}/recall/", {}),
    "visit-rating": ("post", "/api/v1/visits/{served}/rating/", {"grade": 5}),
    "bundles": ("get", "/api/v1/bundles/", None),
    "calculation": (
        "post",
        "/api/v1/calculations/contribution/",
        {"period": "2026-01", "declared_wage": "5000"},
    ),
}

# fmt: off
MATRIX = {
    #                     teller t2   spec rev  lead fin  aud  adm  anon
    "root":               (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "schema":             (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "docs":               (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "token":              (200, 200, 200, 200, 200, 200, 200, 200, 400),
    "token-revoke":       (200, 200, 200, 200, 200, 200, 200, 200, 401),
    "catalogue":          (200, 200, 200, 200, 200, 200, 200, 200, 401),
    "catalogue-type":     (200, 200, 200, 200, 200, 200, 200, 200, 401),
    "employers":          (200, 200, 200, 200, 200, 200, 200, 200, 401),
    "persons":            (200, 200, 200, 200, 200, 200, 200, 200, 401),
    "persons-reveal":     (200, 200, 200, 403, 403, 403, 200, 403, 401),
    "cases":              (200, 200, 200, 200, 200, 200, 200, 200, 401),
    "cases-create":       (201, 201, 403, 403, 403, 403, 403, 403, 401),
    "case-general":       (200, 200, 404, 404, 200, 200, 200, 200, 401),
    "case-special":       (404, 404, 200, 404, 200, 200, 200, 200, 401),
    "submit-general":     (200, 403, 404, 404, 403, 403, 403, 403, 401),
    "withdraw-special":   (404, 404, 200, 404, 403, 403, 403, 403, 401),
    "approve-general":    (409, 409, 404, 404, 409, 409, 409, 409, 401),
    "continue-general":   (403, 200, 404, 404, 403, 403, 403, 403, 401),
    "search":             (200, 200, 200, 200, 200, 200, 200, 200, 401),
    "take-next":          (403, 403, 403, 204, 403, 403, 403, 403, 401),
    "signoff":            (403, 403, 403, 403, 200, 200, 403, 403, 401),
    "signoff-sign":       (403, 403, 403, 403, 200, 200, 403, 403, 401),
    "delegations":        (403, 403, 403, 200, 200, 200, 403, 200, 401),
    "delegations-create": (403, 403, 403, 201, 400, 400, 403, 400, 401),
    "audit":              (403, 403, 403, 403, 403, 403, 200, 200, 401),
    "audit-verify":       (403, 403, 403, 403, 403, 403, 200, 200, 401),
    "pages-general":      (200, 200, 404, 404, 200, 200, 200, 200, 401),
    "pages-special":      (404, 404, 200, 404, 200, 200, 200, 200, 401),
    "pages-upload-general": (201, 403, 404, 404, 403, 403, 403, 403, 401),
    "pages-upload-special": (404, 404, 201, 404, 403, 403, 403, 403, 401),
    "page-general":       (200, 200, 404, 404, 200, 200, 200, 200, 401),
    "page-special":       (404, 404, 200, 404, 200, 200, 200, 200, 401),
    "file-general":       (200, 200, 404, 404, 200, 200, 200, 200, 401),
    "file-special":       (404, 404, 200, 404, 200, 200, 200, 200, 401),
    "spot-checks":        (403, 403, 403, 403, 403, 403, 200, 200, 401),
    "spot-checks-draw":   (403, 403, 403, 403, 403, 403, 201, 403, 401),
    "spot-check":         (403, 403, 403, 403, 403, 403, 200, 200, 401),
    "spot-check-finding": (403, 403, 403, 403, 403, 403, 200, 403, 401),
    "metrics":            (403, 403, 403, 403, 200, 403, 200, 200, 401),
    "calculation":        (200, 200, 200, 200, 200, 200, 200, 200, 401),
    "tickets":            (201, 201, 201, 403, 403, 403, 403, 201, 401),
    "call-next":          (200, 403, 403, 403, 403, 403, 403, 403, 401),
    "visit-general":      (200, 200, 200, 200, 200, 200, 200, 200, 401),
    "visit-special":      (404, 404, 200, 200, 200, 200, 200, 200, 401),
    "visit-recall":       (403, 200, 403, 403, 403, 403, 403, 403, 401),
    "visit-rating":       (201, 201, 201, 403, 403, 403, 403, 201, 401),
    "bundles":            (200, 200, 200, 200, 200, 200, 200, 200, 401),
}
# fmt: on


def test_the_table_covers_every_endpoint_and_role():
    assert set(MATRIX) == set(ENDPOINTS)
    assert all(len(statuses) == len(ROLES) for statuses in MATRIX.values())


@pytest.fixture
def world(hall, window, other_window, special_window, test_types):
    users = {
        "teller": factories.UserFactory(
            username="t1", roles=[Role.TELLER], hall=hall, windows=[window]
        ),
        "teller2": factories.UserFactory(
            username="t2", roles=[Role.TELLER], hall=hall, windows=[other_window]
        ),
        "special_clerk": factories.UserFactory(
            username="s1", roles=[Role.SPECIAL_CLERK], hall=hall, windows=[special_window]
        ),
        "reviewer": factories.UserFactory(
            username="r1", roles=[Role.REVIEWER], hall=hall, special_review=True
        ),
        "leader": factories.UserFactory(username="l1", roles=[Role.LEADER], hall=hall),
        "finance": factories.UserFactory(username="f1", roles=[Role.FINANCE], hall=hall),
        "auditor": factories.UserFactory(username="a1", roles=[Role.AUDITOR], hall=hall),
        "hall_admin": factories.UserFactory(username="adm", roles=[Role.HALL_ADMIN], hall=hall),
    }
    general = factories.ready_case(
        teller=users["teller"], window=window, business_type=test_types.general
    )
    special = factories.ready_case(
        teller=users["special_clerk"], window=special_window, business_type=test_types.special
    )
    for case, clerk in ((general, users["teller"]), (special, users["special_clerk"])):
        services.case_pages_add(
            actor=clerk, case_id=case.pk, document_code="form", files=[files.jpeg()]
        )
    # a completed case of the hall (by the teller, not the auditor) in a spot-check sample
    completed = casework.complete(
        test_types.general,
        {"amount": "1.00"},
        teller=users["teller"],
        window=window,
        reviewer=users["reviewer"],
    )
    sample = spotchecks.sample_draw(
        actor=users["auditor"], date_from=TODAY, date_to=TODAY, percentages={}, amount_over=0
    )
    finding = sample.findings.get(case=completed)
    md.employer()
    md.person()
    ids = {"general": general.pk, "special": special.pk}
    # visits: one served and one called by teller2 at window 2, one general ticket waiting
    # (for window 1's call-next) and one special ticket
    ticket = functools.partial(visit_services.visit_issue, actor=users["hall_admin"], hall=hall)
    t2 = users["teller2"]
    ticket(category=VisitCategory.GENERAL)
    served = visit_services.visit_call(actor=t2, window=other_window)
    visit_services.visit_start(actor=t2, visit_id=served.pk)
    visit_services.visit_end(actor=t2, visit_id=served.pk)
    ticket(category=VisitCategory.GENERAL)
    called = visit_services.visit_call(actor=t2, window=other_window)
    ticket(category=VisitCategory.GENERAL)
    special_visit = ticket(category=VisitCategory.SPECIAL)
    visits = {"served": served.pk, "called": called.pk, "special_visit": special_visit.pk}
    return users, {**ids, **visits, "sample": sample.pk, "finding": finding.pk}


class Rollback(Exception):
    pass


def call(users, cases, endpoint, role):
    """One cell: the endpoint called as the role, in a savepoint rolled back after it, so
    every cell of the row sees the same world."""
    method, path, body = ENDPOINTS[endpoint]
    client = APIClient()
    user = users.get(role)
    if body == "own credentials":
        body = (
            {"username": user.username, "password": "pw-for-tests"}
            if user
            else {"username": "nobody", "password": "wrong"}
        )
    elif user is not None:
        client.force_authenticate(user)
    encoding = "json"
    if body == "scan":
        body, encoding = {"files": [files.jpeg()]}, "multipart"
    cache.clear()  # throttle counters
    try:
        with transaction.atomic():
            response = getattr(client, method)(path.format(**cases), body, format=encoding)
            raise Rollback
    except Rollback:
        pass
    return response


@pytest.mark.parametrize("endpoint", MATRIX)
def test_matrix(world, endpoint):
    """One row of the table: each role's status; a refusal is problem details."""
    users, cases = world
    wrong = []
    for role, expected in zip(ROLES, MATRIX[endpoint], strict=True):
        response = call(users, cases, endpoint, role)
        if response.status_code != expected:
            wrong.append(f"{role}: {response.status_code} ≠ {expected} {response.content[:200]!r}")
        elif expected >= 400 and response["Content-Type"] != "application/problem+json":
            wrong.append(f"{role}: {response['Content-Type']}")
    assert not wrong, f"{endpoint}:\n" + "\n".join(wrong)
