"""The daily rollups now carry each day's review decisions per reviewer (``data["v"]``,
for the staff load): rows written before lack them, so they are dropped. Figures read the
raw rows for any day without a rollup (always right, slower), and
``manage.py metrics_rollup --from … --to …`` writes them again (docs/metrics.md)."""

from django.db import migrations


def drop_rollups(apps, schema_editor):
    apps.get_model("counterhall", "MetricDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("counterhall", "0018_poll_versions")]

    operations = [migrations.RunPython(drop_rollups, migrations.RunPython.noop)]
