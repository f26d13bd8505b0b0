"""Periodic jobs (django.tasks, counterhall.jobs.SCHEDULE): the monthly assessment bills
(核定单) and the year's account interest (记账利息)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from counterhall.jobs import job


@job
def generate_monthly_bills(period: str | None = None) -> str:
    """Run ``manage.py generate_bills`` for a month (YYYY-MM; default the current month).
    Idempotent, so a scheduler may run it as often as it likes."""
    args = ["--period", period] if period else []
    out = StringIO()
    call_command("generate_bills", *args, stdout=out)
    return out.getvalue().strip()


@job
def post_yearly_interest(year: int | None = None) -> str:
    """Run ``manage.py post_account_interest`` for a year (default: the year before the
    hall's today, run in early January). Idempotent per person and year."""
    if year is None:
        year = timezone.localdate().year - 1
    out = StringIO()
    call_command("post_account_interest", year=year, stdout=out)
    return out.getvalue().strip()
