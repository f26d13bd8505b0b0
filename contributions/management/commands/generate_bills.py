"""Generate the monthly assessment bills (核定单) of every active employer and every flexible
worker from their current bases. Idempotent per employer (or worker) and month."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contributions import calc, services


class Command(BaseCommand):
    help = "生成月度核定单（每个参保单位、每个灵活就业人员每月一张；可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--period", help="所属期 YYYY-MM，默认本月")

    def handle(self, *args, period=None, **options):
        if period:
            try:
                month = calc.parse_period(period)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        else:
            month = timezone.localdate().replace(day=1)
        result = services.bills_generate_month(actor=None, period=month)
        self.stdout.write(
            f"{result['period']}: created {result['created']}, existing {result['existing']}"
        )
