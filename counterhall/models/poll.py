"""The version of what a hall's live fragments show (see counterhall.polls): two counters
per hall, bumped inside every audited write's transaction."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from counterhall.models.halls import Hall


class PollVersion(models.Model):
    """``cases``: the hall's cases and their queues (worklists, the review queue, a case's
    state); ``visits``: its tickets and calls (the call panel, the hall display, the rating
    tablet). One row per hall, so a transaction that bumps both never waits on two rows."""

    hall = models.OneToOneField(
        Hall,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="poll_version",
        verbose_name=_("大厅"),
    )
    cases = models.PositiveBigIntegerField(_("业务版本"), default=0)
    visits = models.PositiveBigIntegerField(_("排队版本"), default=0)

    class Meta:
        verbose_name = _("刷新版本")
        verbose_name_plural = _("刷新版本")

    def __str__(self) -> str:
        return f"{self.hall_id} {self.cases}/{self.visits}"
