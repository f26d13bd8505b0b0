"""Admin edits and failed logins are in the audit log."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from guardian.shortcuts import get_perms

from counterhall.admin_audit import AuditedAdminMixin, AuditedAdminSite
from counterhall.models import AuditEntry, Hall, PolicyParameter, StaffProfile
from counterhall.permissions import WORK_AT_WINDOW
from tests import factories


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_every_registered_admin_is_audited():
    assert isinstance(admin.site, AuditedAdminSite)
    for model in (Hall, PolicyParameter, get_user_model()):
        assert isinstance(admin.site.get_model_admin(model), AuditedAdminMixin)
    from django.apps import apps

    for model in apps.get_models():
        if admin.site.is_registered(model):
            assert isinstance(admin.site.get_model_admin(model), AuditedAdminMixin), model


def test_an_admin_change_is_recorded_with_before_and_after(admin_client, superuser, hall):
    url = f"/admin/counterhall/hall/{hall.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(name="改名大厅", claim_idle_minutes=30)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    entry = AuditEntry.objects.get(action="admin.change")
    assert entry.actor == superuser
    assert entry.target_type == "counterhall.hall" and entry.target_id == str(hall.pk)
    assert entry.before["name"] == "测试大厅" and entry.after["name"] == "改名大厅"
    assert entry.before["claim_idle_minutes"] == 15 and entry.after["claim_idle_minutes"] == 30
    assert "名称" in entry.note or "name" in entry.note.lower()


def test_admin_add_and_delete_of_a_parameter_are_recorded(admin_client):
    response = admin_client.post(
        "/admin/counterhall/policyparameter/add/",
        {
            "region": "222424",
            "key": "test.audited",
            "value": '"12.50"',
            "effective_from": "2026-01-01",
            "tag": PolicyParameter._meta.get_field("tag").choices[0][0],
            "note": "测试",
        },
    )
    assert response.status_code == 302
    parameter = PolicyParameter.objects.get(key="test.audited")
    added = AuditEntry.objects.get(action="admin.add")
    assert added.before is None and added.after["value"] == "12.50"
    assert added.after["effective_from"] == "2026-01-01"

    response = admin_client.post(
        f"/admin/counterhall/policyparameter/{parameter.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    deleted = AuditEntry.objects.get(action="admin.delete")
    assert deleted.target_id == str(parameter.pk) and deleted.before["key"] == "test.audited"
    assert deleted.after is None


def test_a_bulk_delete_in_the_admin_records_each_object(admin_client):
    from counterhall.models import CalendarDay

    days = [
        CalendarDay.objects.create(date=dt.date(2031, 1, d), kind="holiday", name="测试")
        for d in (1, 2)
    ]
    response = admin_client.post(
        "/admin/counterhall/calendarday/",
        {"action": "delete_selected", "_selected_action": [d.pk for d in days], "post": "yes"},
    )
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk__in=[d.pk for d in days]).exists()
    assert sorted(
        AuditEntry.objects.filter(action="admin.delete").values_list("target_id", flat=True)
    ) == sorted(str(d.pk) for d in days)


def test_a_user_change_records_groups_and_inline_profile_but_no_password(
    admin_client, teller, hall
):
    url = f"/admin/auth/user/{teller.pk}/change/"
    response = admin_client.get(url)
    form = response.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data["groups"] = []
    data["last_login_0"] = data["last_login_1"] = ""
    data["date_joined_0"] = teller.date_joined.strftime("%Y-%m-%d")
    data["date_joined_1"] = teller.date_joined.strftime("%H:%M:%S")
    data.pop("last_login", None)
    data.pop("date_joined", None)
    profile = StaffProfile.objects.get(user=teller)
    data.update(
        {
            "staff-TOTAL_FORMS": "1",
            "staff-INITIAL_FORMS": "1",
            "staff-MIN_NUM_FORMS": "0",
            "staff-MAX_NUM_FORMS": "1",
            "staff-0-id": profile.pk,
            "staff-0-user": teller.pk,
            "staff-0-hall": hall.pk,
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(action="admin.change", target_type="auth.user")
    assert entry.before["groups"] and entry.after["groups"] == []
    assert "password" not in entry.before and "password" not in entry.after
    assert entry.after["staff"]["hall"] == hall.pk


def test_an_object_permission_grant_in_the_admin_is_recorded(admin_client, window):
    clerk = factories.UserFactory(username="clerk")
    url = f"/admin/counterhall/window/{window.pk}/permissions/user-manage/{clerk.pk}/"
    response = admin_client.post(url, {"permissions": [WORK_AT_WINDOW.split(".")[1]]})
    assert response.status_code == 302
    assert "work_at_window" in get_perms(clerk, window)
    entry = AuditEntry.objects.get(action="admin.grant")
    assert entry.target_type == "counterhall.window" and entry.target_id == str(window.pk)
    assert entry.before == {"user": "clerk", "permissions": []}
    assert entry.after == {"user": "clerk", "permissions": ["work_at_window"]}


def test_a_failed_login_is_recorded_without_the_password(client, teller):
    response = client.post("/login/", {"username": "t1", "password": "wrong-secret"})
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.actor is None and entry.after == {"username": "t1"}
    assert entry.target_id == str(teller.pk) and entry.hall_id == teller.staff.hall_id
    stored = AuditEntry.objects.filter(pk=entry.pk).values_list("before", "after", "note")
    assert "wrong-secret" not in str(list(stored))


def test_a_failed_login_for_an_unknown_name_is_recorded(client, db):
    client.post("/login/", {"username": "nobody", "password": "x"})
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.after == {"username": "nobody"} and entry.target_id == ""
