"""The catalogue with each type's documents and the JSON Schema of its payload generated
from its own form; employer and person lookups, masked, a reveal audited."""

from decimal import Decimal

import pytest
from django import forms

from counterhall.api.form_schema import field_schema, form_json_schema
from counterhall.models import AuditEntry
from tests import masterdata as md
from tests.handlers import AmountForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_as, teller):
    return api_as(teller)


def test_catalogue_lists_types_with_documents_and_form(api):
    r = api.get("/api/v1/catalogue/", {"page_size": 200})
    assert r.status_code == 200
    types = {t["code"]: t for t in r.json()["results"]}
    reg01 = types["REG01"]
    assert {"code": "bank_account", "name": reg01["required_documents"][2]["name"]} | {
        "deferrable": True
    } in reg01["required_documents"]
    form = reg01["form"]
    assert form["type"] == "object"
    assert {"uscc", "name", "legal_representative", "injury_class", "registered_on"} <= set(
        form["required"]
    )
    assert "address" not in form["required"]
    assert form["properties"]["name"] == {"type": "string", "maxLength": 200, "title": "单位名称"}
    assert form["properties"]["registered_on"]["format"] == "date"
    assert form["properties"]["injury_class"]["enum"][:2] in (["1", "2"], [1, 2])


def test_catalogue_type_and_unknown_type(api):
    r = api.get("/api/v1/catalogue/CON04/")
    assert r.status_code == 200
    assert r.json()["signoff_roles"] == ["leader", "finance"]
    assert r.json()["form"]["properties"]["amount"]["format"] == "decimal"
    missing = api.get("/api/v1/catalogue/NOPE1/")
    assert missing.status_code == 404 and missing.json()["status"] == 404


def test_the_schema_is_generated_from_any_form():
    class Sample(forms.Form):
        code = forms.RegexField(regex=r"^[A-Z]{3}$", label="代码")
        count = forms.IntegerField(min_value=1, max_value=8, required=False)
        kind = forms.ChoiceField(choices=[("a", "A"), ("Group", [("b", "B"), ("c", "C")])])
        kinds = forms.MultipleChoiceField(choices=[("x", "X")], required=False)
        flag = forms.BooleanField(required=False)
        when = forms.DateField()
        money = forms.DecimalField(min_value=Decimal("0.01"), decimal_places=2)

    schema = form_json_schema(Sample, title="示例")
    props = schema["properties"]
    assert schema["required"] == ["code", "kind", "when", "money"]
    assert props["code"] == {"type": "string", "pattern": "^[A-Z]{3}$", "title": "代码"}
    assert (props["count"]["type"], props["count"]["minimum"], props["count"]["maximum"]) == (
        "integer",
        1,
        8,
    )
    assert props["kind"]["enum"] == ["a", "b", "c"]
    assert props["kinds"] == {"type": "array", "items": {"enum": ["x"]}}
    assert props["flag"] == {"type": "boolean"}
    assert props["money"]["minimum"] == 0.01 and props["money"]["multipleOf"] == 0.01
    assert field_schema(AmountForm.base_fields["amount"])["minimum"] == 0


def test_employer_lookup_is_masked_and_a_reveal_audited(api, api_as, reviewer):
    md.employer()
    r = api.get("/api/v1/employers/", {"uscc": md.USCC_A})
    assert r.status_code == 200
    (employer,) = r.json()["results"]
    assert employer["bank_account"] == "************2222"
    assert not AuditEntry.objects.filter(action="pii.view").exists()
    shown = api.get("/api/v1/employers/", {"uscc": md.USCC_A, "reveal": 1}).json()["results"]
    assert shown[0]["bank_account"] == "6222000011112222"
    entry = AuditEntry.objects.get(action="pii.view")
    assert entry.target_id == str(employer["id"]) and entry.after == {"via": "api"}
    refused = api_as(reviewer).get("/api/v1/employers/", {"uscc": md.USCC_A, "reveal": 1})
    assert refused.status_code == 403
    assert AuditEntry.objects.filter(action="pii.view").count() == 1


def test_person_lookup_is_masked_and_audited(api, teller):
    person = md.person()
    r = api.get("/api/v1/persons/", {"id_number": md.ID_MALE})
    (found,) = r.json()["results"]
    assert found["id_number"] == "222424********1234"
    lookup = AuditEntry.objects.get(action="person.lookup")
    assert lookup.target_id == str(person.pk) and lookup.after["via"] == "api"
    assert api.get("/api/v1/persons/", {"id_number": "123"}).status_code == 400
    nobody = api.get("/api/v1/persons/", {"id_number": md.ID_FEMALE})
    assert nobody.json()["results"] == []
    assert AuditEntry.objects.filter(action="person.lookup").count() == 2


def test_search_groups_within_reach(api, teller, window, test_types):
    md.person()
    md.employer()
    r = api.get("/api/v1/search/", {"q": "张三"})
    assert r.status_code == 200
    assert [h["label"] for h in r.json()["persons"]][:1] and r.json()["employers"] == []
    assert api.get("/api/v1/search/", {"q": "x"}).status_code == 400
    assert not AuditEntry.objects.filter(action="person.lookup").exists()
