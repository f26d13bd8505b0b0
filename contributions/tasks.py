"""Periodic jobs (django.tasks): the monthly assessment bills (核定单)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.tasks import task


@task
def generate_monthly_bills(period: str | None = None) -> str:
    """Run ``manage.py generate_bills`` for a month (YYYY-MM; default the current month).
    Idempotent, so a scheduler may run it as often as it likes."""
    args = ["--period", period] if period else []
    out = StringIO()
    call_command("generate_bills", *args, stdout=out)
    return out.getvalue().strip()
