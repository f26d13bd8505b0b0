"""A JSON Schema of an application payload, generated from the business type's own form
(the handler's ``form_class``), so an integrator never guesses a field name: each field's
name, type, whether it is required, its choices (``enum``), patterns and bounds, and its
label as the title. Generic: it reads Django's form fields and their validators, never a
list per business type."""

from __future__ import annotations

import decimal

from django import forms
from django.core import validators


def _flat_choices(choices) -> list:
    values: list = []
    for value, label in choices:
        if isinstance(label, list | tuple):  # an option group
            values.extend(v for v, _ in label)
        else:
            values.append(value)
    return [v for v in values if v not in ("", None)]


def _number(value):
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _bounds(field, schema: dict) -> None:
    for v in field.validators:
        if isinstance(v, validators.MinValueValidator) and not callable(v.limit_value):
            schema["minimum"] = _number(v.limit_value)
        elif isinstance(v, validators.MaxValueValidator) and not callable(v.limit_value):
            schema["maximum"] = _number(v.limit_value)
        elif isinstance(v, validators.MinLengthValidator) and not callable(v.limit_value):
            schema["minLength"] = v.limit_value
        elif isinstance(v, validators.MaxLengthValidator) and not callable(v.limit_value):
            schema["maxLength"] = v.limit_value
        elif (
            isinstance(v, validators.RegexValidator)
            and not v.inverse_match
            and not isinstance(v, validators.EmailValidator | validators.URLValidator)
        ):
            schema["pattern"] = getattr(v.regex, "pattern", v.regex)


def field_schema(field: forms.Field) -> dict:
    """One form field as a JSON Schema (what the form accepts in a JSON payload)."""
    schema: dict = {}
    if isinstance(field, forms.ModelMultipleChoiceField):
        schema = {"type": "array", "items": {"type": ["integer", "string"]}}
    elif isinstance(field, forms.ModelChoiceField):
        schema = {"type": ["integer", "string"]}
    elif isinstance(field, forms.MultipleChoiceField):
        schema = {"type": "array", "items": {"enum": _flat_choices(field.choices)}}
    elif isinstance(field, forms.ChoiceField):
        schema = {"enum": _flat_choices(field.choices)}
    elif isinstance(field, forms.BooleanField):
        schema = {"type": "boolean"}
    elif isinstance(field, forms.DecimalField):  # before IntegerField, its base class
        schema = {"type": ["string", "number"], "format": "decimal"}
        if field.decimal_places is not None:
            schema["multipleOf"] = float(decimal.Decimal(1).scaleb(-field.decimal_places))
    elif isinstance(field, forms.FloatField):
        schema = {"type": "number"}
    elif isinstance(field, forms.IntegerField):
        schema = {"type": "integer"}
    elif isinstance(field, forms.DateTimeField):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(field, forms.DateField):
        schema = {"type": "string", "format": "date"}
    elif isinstance(field, forms.EmailField):
        schema = {"type": "string", "format": "email"}
    else:
        schema = {"type": "string"}
    if schema.get("type") in ("integer", "number", ["string", "number"]):
        _bounds(field, schema)
        schema.pop("minLength", None)
        schema.pop("maxLength", None)
    elif schema.get("type") == "string":
        _bounds(field, schema)
    if field.label:
        schema["title"] = str(field.label)
    if field.help_text:
        schema["description"] = str(field.help_text)
    return schema


def form_json_schema(form_class, *, title: str = "") -> dict:
    """The JSON Schema (draft 2020-12) of what ``form_class`` accepts as a payload."""
    fields = form_class.base_fields
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {name: field_schema(field) for name, field in fields.items()},
        "required": [name for name, field in fields.items() if field.required],
    }
    if title:
        schema["title"] = title
    return schema
