from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from counterhall import lifecycle, registry
from counterhall.exceptions import HandlerMissing
from counterhall.models import BusinessType
from tests import casework, factories, handlers


def test_second_handler_for_a_code_is_refused(test_types):
    with pytest.raises(ImproperlyConfigured):
        registry.register(handlers.handler("TST01"))


def test_type_without_handler_cannot_be_opened(teller, window, db):
    bt = factories.business_type("TST99")
    with pytest.raises(HandlerMissing):
        casework.open_case(teller=teller, window=window, business_type=bt)


@pytest.mark.django_db
def test_catalogue_is_loaded_by_migration():
    assert BusinessType.objects.filter(is_special=False).count() == 16
    assert set(BusinessType.objects.filter(is_special=True).values_list("code", flat=True)) == {
        "SPC01",
        "SPC02",
        "SPC03",
    }
    con04 = BusinessType.objects.get(code="CON04")
    assert con04.signoff_roles == ["leader", "finance"] and con04.limit_days == 10
    assert (
        BusinessType.objects.get(code="REG01").documents.filter(deferrable=True).get().code
        == "bank_account"
    )


def test_architecture_diagram_matches_the_state_machine():
    text = (Path(settings.BASE_DIR) / "docs" / "architecture.md").read_text()
    with translation.override("zh-hans"):
        assert lifecycle.render_into(text) == text, "run: python manage.py case_diagram"
