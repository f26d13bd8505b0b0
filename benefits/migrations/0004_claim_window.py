"""The unemployment-benefit claim window (rules.md §1.2): the claim is made within 60 days of
the contract ending (失业保险金申领发放办法, 劳动和社会保障部令第8号, 2000). National rule
written as data; whether Jilin still applies it is to verify."""

import datetime as dt

from django.db import migrations

PARAMETERS = [
    (
        "000000",
        "unemployment.claim_window_days",
        60,
        dt.date(2001, 1, 1),
        "national",
        "劳动合同终止或解除之日起 60 日内申领失业保险金（失业保险金申领发放办法，2000）"
        "(verify)",
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
    dependencies = [("benefits", "0003_deemed_index")]

    operations = [migrations.RunPython(load, unload)]
