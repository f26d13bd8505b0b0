"""Credit a year's interest to every personal pension account (记账利息), at the year's
``pension.account_interest_rate``. Idempotent per person and year."""

from django.core.management.base import BaseCommand

from contributions import selectors, services


class Command(BaseCommand):
    help = "计入个人账户年度记账利息（每人每年一次，可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, year, **options):
        posted = 0
        for person_id in selectors.account_holders(until_year=year):
            entry = services.account_post_interest(actor=None, person_id=person_id, year=year)
            posted += entry is not None
        self.stdout.write(f"{year}: {posted} accounts")
