"""counterhall.auth.StaffBackend: a signed-in user's identity (staff profile, roles, a
delegation, model permissions) comes with the user row — one query — and answers exactly
what the lazy reads answer."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from counterhall import permissions
from counterhall.auth import StaffBackend
from counterhall.roles import Role, delegations, own_roles, user_roles
from review import services
from tests import factories

pytestmark = pytest.mark.django_db


def identity(user) -> tuple:
    return (
        permissions.user_hall_id(user),
        own_roles(user),
        user_roles(user),
        set(delegations(user)),
        user.has_perm(permissions.REVIEW_SPECIAL),
        user.get_all_permissions(),
    )


def lazy(user_id):
    """The same user as Django's ModelBackend loads it: every part read when asked."""
    return ModelBackend().get_user(user_id)


def test_one_query_answers_every_identity_question(reviewer):
    with CaptureQueriesContext(connection) as ctx:
        user = StaffBackend().get_user(reviewer.pk)
        answers = identity(user)
    assert len(ctx.captured_queries) == 1
    assert answers == identity(lazy(reviewer.pk))
    hall_id, roles, _all, delegated, special, perms = answers
    assert hall_id == reviewer.staff.hall_id and roles == {Role.REVIEWER}
    assert special and permissions.REVIEW_SPECIAL in perms and not delegated


def test_permissions_held_directly_and_through_groups(hall):
    user = factories.UserFactory(username="p1", roles=[Role.TELLER, Role.REVIEWER], hall=hall)
    user.user_permissions.add(Permission.objects.get(codename="view_case"))
    loaded = StaffBackend().get_user(user.pk)
    assert identity(loaded) == identity(lazy(user.pk))
    assert "counterhall.view_case" in loaded.get_all_permissions()
    assert loaded.has_perm("counterhall.view_case")
    assert not loaded.has_perm("counterhall.delete_case")


def test_a_delegation_in_force_gives_its_role(hall):
    principal = factories.UserFactory(username="f0", roles=[Role.FINANCE], hall=hall)
    delegate = factories.UserFactory(username="c1", roles=[Role.TELLER], hall=hall)
    today = timezone.localdate()
    assert Role.FINANCE not in user_roles(StaffBackend().get_user(delegate.pk))
    services.delegation_create(
        actor=principal,
        principal=principal,
        delegate=delegate,
        role=Role.FINANCE,
        starts_on=today,
        ends_on=today + dt.timedelta(days=2),
    )
    loaded = StaffBackend().get_user(delegate.pk)
    assert Role.FINANCE in user_roles(loaded)
    assert delegations(loaded)[Role.FINANCE].principal == principal
    assert identity(loaded) == identity(lazy(delegate.pk))


def test_no_staff_profile_superuser_and_inactive(db):
    admin = get_user_model().objects.create_superuser("root", password="x" * 12)
    loaded = StaffBackend().get_user(admin.pk)
    assert permissions.user_hall_id(loaded) is None
    assert loaded.has_perm("counterhall.delete_case")
    assert identity(loaded) == identity(lazy(admin.pk))
    admin.is_active = False
    admin.save()
    assert StaffBackend().get_user(admin.pk) is None
    assert StaffBackend().get_user(10**9) is None


def test_requests_read_the_identity_with_the_user(client, reviewer):
    client.force_login(reviewer)
    client.get("/")  # warm up
    with CaptureQueriesContext(connection) as ctx:
        client.get("/review/")
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "auth_user_groups" in ctx.captured_queries[1]["sql"]  # in the user's query
    assert tables.count('FROM "counterhall_staffprofile"') == 0  # joined, never alone
