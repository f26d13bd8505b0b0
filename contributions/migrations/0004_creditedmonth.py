"""CreditedMonth moves here from transfers without copying a row: the model state takes over
the existing table ``transfers_creditedmonth`` (created by transfers 0001), which is then
renamed to this app's ``contributions_creditedmonth``."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contributions', '0003_backpay_max_months'),
        ('counterhall', '0005_case_subjects'),
        ('registration', '0001_initial'),
        ('transfers', '0002_creditedmonth_to_contributions'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CreditedMonth',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('scheme', models.CharField(choices=[('pension', '企业职工基本养老保险'), ('unemployment', '失业保险')], max_length=20, verbose_name='险种')),
                        ('period', models.DateField(help_text='月份的第一天。', verbose_name='所属期')),
                        ('base', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='缴费基数')),
                        ('source_agency', models.CharField(max_length=200, verbose_name='转出地经办机构')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='counterhall.case', verbose_name='业务')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='credited_months', to='registration.insuredperson', verbose_name='人员')),
                    ],
                    options={
                        'verbose_name': '转入缴费月',
                        'verbose_name_plural': '转入缴费月',
                        'ordering': ['person', 'scheme', 'period'],
                        'constraints': [models.UniqueConstraint(fields=('person', 'scheme', 'period'), name='credited_month_once', violation_error_message='此人员该月已有缴费记录。')],
                        'db_table': 'transfers_creditedmonth',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='creditedmonth', table=None),
    ]
