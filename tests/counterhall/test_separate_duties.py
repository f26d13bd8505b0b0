"""Administration is not counter work: a Django superuser (guardian grants them everything)
takes in, continues and completes nothing without a window grant. Probe: the hall admin, a
superuser, could take in and complete cases at every window of every hall."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from guardian.shortcuts import assign_perm

from counterhall import permissions, services
from counterhall.roles import Role
from tests import factories


@pytest.fixture
def superuser(hall):
    user = factories.UserFactory(username="root", roles=[Role.HALL_ADMIN], hall=hall)
    user.is_superuser = user.is_staff = True
    user.save()
    return user


def test_a_superuser_holds_no_window_and_opens_no_case(superuser, window, test_types):
    assert not permissions.works_at(superuser, window)
    assert list(permissions.windows_for(superuser)) == []
    with pytest.raises(PermissionDenied):
        services.case_open(
            actor=superuser, window=window, business_type=test_types.general, applicant_name="甲"
        )


def test_a_superuser_cannot_complete_or_continue_a_tellers_case(
    superuser, teller, window, reviewer, test_types
):
    case = factories.approved_case(
        reviewer=reviewer, teller=teller, window=window, business_type=test_types.general
    )
    assert not permissions.can_change_case(case, superuser)
    with pytest.raises(PermissionDenied):
        services.case_complete(actor=superuser, case_id=case.pk, seen_state=None)
    case.refresh_from_db()
    assert case.state == "approved"


def test_a_superuser_with_a_grant_works_at_that_window_only(superuser, window, hall):
    other = factories.WindowFactory(hall=hall, number=5)
    assign_perm(permissions.WORK_AT_WINDOW, superuser, window)
    assert permissions.works_at(superuser, window)
    assert not permissions.works_at(superuser, other)


def test_the_intake_page_offers_a_superuser_no_window(client, superuser, window):
    client.force_login(superuser)
    response = client.get(reverse("case-open"))
    assert str(window) not in response.content.decode()
    assert not permissions.can_look_up_subjects(superuser)
