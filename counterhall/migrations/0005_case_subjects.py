"""The case's subject (employer, insured person: set by the business-type handler's attach())
and the business types' pinyin initials for the type picker."""

import django.db.models.deletion
from django.db import migrations, models


def fill_initials(apps, schema_editor):
    from counterhall.search import pinyin_initials

    BusinessType = apps.get_model("counterhall", "BusinessType")
    for bt in BusinessType.objects.all():
        bt.pinyin_initials = pinyin_initials(bt.name)
        bt.save(update_fields=["pinyin_initials"])


class Migration(migrations.Migration):

    dependencies = [
        ('counterhall', '0004_audit_append_only'),
        ('registration', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='businesstype',
            name='pinyin_initials',
            field=models.CharField(blank=True, editable=False, help_text='由业务名称生成，用于按拼音首字母查找业务（如 dwcb）。', max_length=100, verbose_name='拼音首字母'),
        ),
        migrations.RunPython(fill_initials, migrations.RunPython.noop),
        migrations.AddField(
            model_name='case',
            name='employer',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='registration.employer', verbose_name='参保单位'),
        ),
        migrations.AddField(
            model_name='case',
            name='person',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='registration.insuredperson', verbose_name='参保人员'),
        ),
    ]
