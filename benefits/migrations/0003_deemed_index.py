"""The deemed index (视同缴费指数) used for deemed contribution months in the average
contribution index (rules.md §1.1: "deemed months get a province-set deemed index").
Jilin's figure was not at hand: default 1.00, to verify and replace in the admin."""

import datetime as dt

from django.db import migrations

PARAMETERS = [
    (
        "220000",
        "pension.deemed_index",
        "1.00",
        dt.date(1998, 1, 1),
        "province",
        "视同缴费指数（默认 1.00，待按吉林省规定核实）",
    ),
]


def load(apps, schema_editor):
    PolicyParameter = apps.get_model("counterhall", "PolicyParameter")
    for region, key, value, start, tag, note in PARAMETERS:
        PolicyParameter.objects.update_or_create(
            region=region,
            key=key,
            effective_from=start,
            defaults={"value": value, "effective_to": None, "tag": tag, "note": note},
        )


def unload(apps, schema_editor):
    PolicyParameter = apps.get_model("counterhall", "PolicyParameter")
    for region, key, _value, start, _tag, _note in PARAMETERS:
        PolicyParameter.objects.filter(region=region, key=key, effective_from=start).delete()


class Migration(migrations.Migration):
    dependencies = [("benefits", "0002_initial")]

    operations = [migrations.RunPython(load, unload)]
