"""Seed the flexible workers' contribution levels (灵活就业人员缴费档次).

PRACTICE/PROVINCE: provinces let flexible workers choose a base between 60 % and 300 % of the
average wage; the usual levels are listed here as a dated national default that a hall admin
replaces with the province's published levels.
"""

import datetime as dt

from django.db import migrations

KEY = "flexible.base_levels"


def load(apps, schema_editor):
    PolicyParameter = apps.get_model("counterhall", "PolicyParameter")
    PolicyParameter.objects.update_or_create(
        region="000000",
        key=KEY,
        effective_from=dt.date(2019, 5, 1),
        defaults={
            "value": ["0.60", "0.80", "1.00", "1.50", "2.00", "3.00"],
            "tag": "practice",
            "note": "灵活就业人员缴费档次（上年度平均工资的倍数；示例值，请按吉林省规定更新）",
        },
    )


def unload(apps, schema_editor):
    apps.get_model("counterhall", "PolicyParameter").objects.filter(key=KEY).delete()


class Migration(migrations.Migration):
    dependencies = [("contributions", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
