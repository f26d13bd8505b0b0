import pytest
from django.apps import apps
from django.core.cache import cache
from rest_framework.test import APIClient

from counterhall.models import AuditEntry, Case

# The master data and case rows a refused input must leave untouched.
WATCHED_APPS = ("registration", "contributions", "benefits", "transfers", "special_ops")


def row_counts() -> dict[str, int]:
    counts = {
        model._meta.label: model._default_manager.count()
        for name in WATCHED_APPS
        for model in apps.get_app_config(name).get_models()
    }
    counts["counterhall.Case"] = Case.objects.count()
    counts["counterhall.AuditEntry"] = AuditEntry.objects.count()
    return counts


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_as():
    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make
