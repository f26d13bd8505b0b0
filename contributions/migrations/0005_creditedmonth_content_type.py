"""The content type of the moved CreditedMonth follows it to contributions, so permissions
granted on it and admin log entries keep pointing at the model."""

from django.db import migrations


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="contributions", model="creditedmonth").exists():
        ContentType.objects.filter(app_label="transfers", model="creditedmonth").update(
            app_label="contributions"
        )


def backwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="transfers", model="creditedmonth").exists():
        ContentType.objects.filter(app_label="contributions", model="creditedmonth").update(
            app_label="transfers"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('contributions', '0004_creditedmonth'),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
