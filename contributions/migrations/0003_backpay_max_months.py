"""Seed the most months one back-payment case may cover (一次补缴的最多月数).

PRACTICE: the hall accepts at most ten years (120 months) of back-payment in one case; longer
arrears are split or referred to the collector. A dated national default that a hall admin
replaces with the province's rule where one is published.
"""

import datetime as dt

from django.db import migrations

KEY = "backpay.max_months"


def load(apps, schema_editor):
    PolicyParameter = apps.get_model("counterhall", "PolicyParameter")
    PolicyParameter.objects.update_or_create(
        region="000000",
        key=KEY,
        effective_from=dt.date(1998, 1, 1),
        defaults={
            "value": 120,
            "tag": "practice",
            "note": "一次补缴最多月数（经办惯例：十年；请按吉林省规定核实）",
        },
    )


def unload(apps, schema_editor):
    apps.get_model("counterhall", "PolicyParameter").objects.filter(key=KEY).delete()


class Migration(migrations.Migration):
    dependencies = [("contributions", "0002_flexible_base_levels")]

    operations = [migrations.RunPython(load, unload)]
