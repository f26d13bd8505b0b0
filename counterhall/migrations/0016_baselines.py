"""The old dedicated-officer baselines of the before/after table: window trips as a range
(min/max) and the source named; seeded from the case study (../shared/docs/domain.md,
catalogue.md and the seeds/ text). Only the figures a source gives: the rest stay blank."""

from django.db import migrations, models

# code: (steps, trips min, trips max, floors, minutes, source)
BASELINES = {
    "REG01": (
        7,
        5,
        6,
        2,
        30,
        "汪清县社会保险事业管理局综合柜员制案例研究：单位新参保业务原流程"
        "（7个经办环节，往返各种业务窗口、办公室5到6次，奔走两个楼层，办事时间近30分钟）。",
    ),
    "REG04": (
        6,
        5,
        5,
        None,
        None,
        "汪清县社会保险事业管理局综合柜员制案例研究：参保人员登记业务原流程"
        "（环节与往返次数按研究所述流程计数；研究未给出楼层和时间）。",
    ),
}


def load(apps, schema_editor):
    BusinessType = apps.get_model("counterhall", "BusinessType")
    for code, (steps, trips_min, trips_max, floors, minutes, source) in BASELINES.items():
        BusinessType.objects.filter(code=code).update(
            baseline_steps=steps,
            baseline_trips_min=trips_min,
            baseline_trips_max=trips_max,
            baseline_floors=floors,
            baseline_minutes=minutes,
            baseline_source=source,
        )


class Migration(migrations.Migration):
    dependencies = [("counterhall", "0015_metrics_rollups")]

    operations = [
        migrations.RemoveField(model_name="businesstype", name="baseline_trips"),
        migrations.AddField(
            model_name="businesstype",
            name="baseline_trips_min",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="原模式往返窗口/科室次数（最少）"
            ),
        ),
        migrations.AddField(
            model_name="businesstype",
            name="baseline_trips_max",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="只有一个数时与最少次数相同或留空。",
                null=True,
                verbose_name="原模式往返窗口/科室次数（最多）",
            ),
        ),
        migrations.AddField(
            model_name="businesstype",
            name="baseline_source",
            field=models.TextField(
                blank=True,
                help_text="写明数据出处（如调研报告、经办规程），没有出处的数字不要填写。",
                verbose_name="原模式数据来源",
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
