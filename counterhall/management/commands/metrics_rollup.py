import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from counterhall import metrics
from counterhall.models import Hall


class Command(BaseCommand):
    help = (
        "Roll up the efficiency figures (服务效能) of past hall-local days "
        "(default yesterday); idempotent, each hall's day is replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--to", dest="end", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--hall", default=None, help="a hall's code (default: every hall)")

    def handle(self, *args, start, end, hall, **options):
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        end = end or yesterday
        start = start or end
        if start > end:
            raise CommandError("--from is after --to")
        halls = Hall.objects.all()
        if hall:
            halls = halls.filter(code=hall)
            if not halls.exists():
                raise CommandError(f"no hall {hall!r}")
        rows = metrics.rollup(halls=halls, start=start, end=min(end, yesterday))
        self.stdout.write(f"rolled up {start}–{min(end, yesterday)}: {rows} rows")
