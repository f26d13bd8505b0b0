"""Special business is invisible to general tellers (and to reviewers without the special
authorisation): in every list, search, count, lookup and API answer — 404, not 403."""

import pytest

from tests import casework
from tests.special_ops import builders as sb


@pytest.fixture
def special_case(special_clerk, special_window):
    person = sb.deceased(employer_obj=sb.b.employer())
    case = casework.intake(
        "SPC01", sb.death_data(person), teller=special_clerk, window=special_window
    )
    return casework.services.case_submit(actor=special_clerk, case_id=case.pk, seen_state=None)


def test_general_teller_finds_it_nowhere(client, teller, special_case):
    client.force_login(teller)
    for url in ("/", "/cases/mine/"):
        page = client.get(url)
        assert page.status_code == 200
        assert special_case.number not in page.content.decode()
    for url in (
        f"/cases/{special_case.pk}/",
        f"/cases/number/{special_case.number}/",
        f"/special/cases/{special_case.pk}/abroad-notice/",
        "/special/payments/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (f"/cases/{special_case.pk}/preview/", f"/cases/{special_case.pk}/complete/"):
        assert client.post(url, {"seen_state": "submitted"}).status_code == 404, url
    picker = client.get("/cases/new/?q=SPC").content.decode()
    assert "SPC01" not in picker
    assert "在职死亡" not in client.get("/cases/new/?q=zzsw").content.decode()
    r = client.post(
        "/api/v1/calculations/survivor/",
        {"contribution_months": 268, "death_date": "2025-03-10"},
        content_type="application/json",
    )
    assert r.status_code == 404


def test_reviewer_without_special_authorisation_does_not_count_it(
    client, other_reviewer, reviewer, special_case
):
    client.force_login(other_reviewer)
    queue = client.get("/review/").content.decode()
    assert special_case.number not in queue
    assert client.get(f"/review/cases/{special_case.pk}/").status_code == 404
    client.force_login(reviewer)  # holds the special authorisation
    assert special_case.number in client.get("/review/").content.decode()


def test_special_clerk_and_finance_see_it(client, special_clerk, finance, special_case):
    for user in (special_clerk, finance):
        client.force_login(user)
        assert client.get(f"/cases/{special_case.pk}/").status_code == 200
        r = client.post(
            "/api/v1/calculations/survivor/",
            {"contribution_months": 268, "death_date": "2025-03-10"},
            content_type="application/json",
        )
        assert r.status_code == 200
