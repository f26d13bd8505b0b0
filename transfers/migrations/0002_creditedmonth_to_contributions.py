"""CreditedMonth moves to contributions (the contribution history lives there): transfers
forgets the model without touching the table; contributions 0004 takes the table over."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('transfers', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='CreditedMonth')],
            database_operations=[],
        ),
    ]
