"""Every business type's application form, through the real service
(``services.case_save_application``, what the case workspace posts to), fed every bad input in
every field: a ValidationError with messages per field, never another exception, and no
master-data or case row written."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from counterhall import registry, services
from counterhall.models import BusinessType, Case
from tests import casework
from tests.badinput import payloads
from tests.badinput.conftest import row_counts

pytestmark = pytest.mark.django_db

CODES = [c for c in registry.registered_codes() if not c.startswith("TST")]
TYPED = (forms.DateField, forms.DecimalField, forms.IntegerField)


def typed_fields(code: str) -> set[str]:
    form_class = registry.get_handler(code).form_class
    return {n for n, f in form_class.base_fields.items() if isinstance(f, TYPED)}


@pytest.fixture
def counter(teller, window, special_clerk, special_window):
    def open_for(code: str):
        special = BusinessType.objects.get(code=code).is_special
        actor, at = (special_clerk, special_window) if special else (teller, window)
        return actor, casework.open_case(code, teller=actor, window=at)

    return open_for


def test_every_type_is_in_the_corpus():
    assert len(CODES) >= 15
    assert any(typed_fields(code) for code in CODES)


@pytest.mark.parametrize("payload", payloads.ALL, ids=range(len(payloads.ALL)))
@pytest.mark.parametrize("code", CODES)
def test_bad_input_in_every_field_is_a_field_message(counter, code, payload):
    actor, case = counter(code)
    fields = registry.get_handler(code).form_class.base_fields
    before = row_counts()
    with pytest.raises(ValidationError) as info:
        services.case_save_application(
            actor=actor,
            case_id=case.pk,
            seen_state=None,
            data=dict.fromkeys(fields, payload),
        )
    errors = info.value.message_dict
    assert errors and all(isinstance(m, str) and m for ms in errors.values() for m in ms)
    # a typed field never takes a malformed, out-of-range or absurd value
    assert typed_fields(code) <= set(errors), (set(errors), payload[:40])
    assert row_counts() == before
    case.refresh_from_db()
    assert case.payload == {} and case.figures == {}


@pytest.mark.parametrize("payload", payloads.TEXT[:3])
def test_the_refusal_page_does_not_run_a_payload(client, teller, window, payload):
    """The application form posted from the case page: refused with the form shown again,
    the payload escaped in it, never a 500."""
    case = casework.open_case("REG01", teller=teller, window=window)
    client.force_login(teller)
    before = row_counts()
    r = client.post(
        f"/cases/{case.pk}/application/",
        {"seen_state": case.state, "uscc": payload, "name": payload, "registered_on": "9999-12-31"},
    )
    assert r.status_code < 500
    assert "<script>alert(1)</script>" not in r.content.decode()
    assert row_counts() == before
    assert Case.objects.get(pk=case.pk).payload == {}
