import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from counterhall.models import ONE_SPECIAL_WINDOW_MESSAGE, Window
from tests import factories


def test_second_special_window_refused_by_the_database(hall, special_window):
    with pytest.raises(IntegrityError), transaction.atomic():
        Window.objects.create(hall=hall, number=10, kind="special")


def test_second_special_window_refused_with_a_clear_message(hall, special_window):
    window = Window(hall=hall, number=10, kind="special")
    with pytest.raises(ValidationError) as exc:
        window.full_clean()
    assert str(ONE_SPECIAL_WINDOW_MESSAGE) in str(exc.value)


def test_other_hall_may_have_its_own_special_window(special_window):
    other = factories.HallFactory(code="XY")
    Window(hall=other, number=1, kind="special").full_clean()


def test_many_general_windows_allowed(hall):
    for number in range(1, 7):
        Window.objects.create(hall=hall, number=number, kind="general")
    assert hall.windows.count() == 6


def test_admin_form_shows_the_message(admin_client, hall, special_window):
    response = admin_client.post(
        reverse("admin:counterhall_window_add"), {"hall": hall.pk, "number": 11, "kind": "special"}
    )
    assert response.status_code == 200
    assert str(ONE_SPECIAL_WINDOW_MESSAGE) in response.content.decode()
    assert Window.objects.filter(hall=hall, kind="special").count() == 1
