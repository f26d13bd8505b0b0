"""Policy parameters the benefit calculations need that counterhall's seed does not carry.

Both are national rules written as data so no figure is a literal in code:
- unemployment.entitlement_steps: 失业保险条例 Art 17 — cumulative contribution of 1 to < 5
  years → up to 12 months, 5 to < 10 → 18, ≥ 10 → 24; merged entitlement at most 24 months.
- survivor.months_rule: 人社部发〔2021〕18号 — 抚恤金 months by contribution years Y (to the
  month): Y < 5 → 3, Y < 10 → 6, 10 ≤ Y ≤ 15 → 9, then +1 per year above 15, Y capped at 30.
"""

import datetime as dt

from django.db import migrations

NATIONAL = "000000"

PARAMETERS = [
    (
        NATIONAL,
        "unemployment.entitlement_steps",
        {"steps": [[12, 12], [60, 18], [120, 24]], "max_months": 24},
        dt.date(1999, 1, 22),
        "national",
        "失业保险条例第十七条：缴费月数 ≥12/≥60/≥120 → 12/18/24 个月；合并后最长 24 个月",
    ),
    (
        NATIONAL,
        "survivor.months_rule",
        {"steps": [[5, 3], [10, 6]], "base_years": 15, "base_months": 9, "cap_years": 30},
        dt.date(2021, 9, 1),
        "national",
        "人社部发〔2021〕18号：不满5年3个月，不满10年6个月，10至15年9个月，超过15年每年加1个月，最长按30年",
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
    dependencies = [("counterhall", "0003_parameters_calendar")]

    operations = [migrations.RunPython(load, unload)]
