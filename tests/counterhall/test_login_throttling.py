"""Repeated wrong passwords lock the user name and, separately, the address out (django-axes)
with a Chinese message; the right password does not get in while locked; the hall admin
unlocks in the admin. Probe: 30 wrong passwords in 12 s, then a successful login."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

PASSWORD = "pw-for-tests"  # tests/factories.py


def attempt(client, username, password, address="10.0.0.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_the_user_is_locked_out_after_repeated_failures(client, teller):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, teller.username, "wrong").status_code == 200
    locked = attempt(client, teller.username, "wrong")
    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.content.decode()
    # the right password is refused too while locked, from another address as well
    again = attempt(client, teller.username, PASSWORD, address="10.0.0.8")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_address_trying_many_names_is_locked_out(client, teller):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"nobody{n}", "wrong", address="10.0.0.9")
    assert attempt(client, teller.username, PASSWORD, address="10.0.0.9").status_code == 429
    # the teller at their own counter still gets in
    assert attempt(client, teller.username, PASSWORD, address="10.0.0.10").status_code == 302


def test_the_hall_admin_unlocks_in_the_admin(client, admin_client, teller):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, teller.username, "wrong")
    assert attempt(client, teller.username, PASSWORD).status_code == 429
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert teller.username in admin_client.get(changelist).content.decode()
    pks = AccessAttempt.objects.filter(username=teller.username).values_list("pk", flat=True)
    admin_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": list(pks), "post": "yes"},
    )
    assert not AccessAttempt.objects.filter(username=teller.username).exists()
    assert attempt(client, teller.username, PASSWORD).status_code == 302


@pytest.mark.parametrize("password", ["short-pw1", "1234567890123", "password1234"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)
