"""What every model of the hall's core shares: timestamps and the region code."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

region_validator = RegexValidator(r"^[0-9]{6}$", _("行政区划代码应为 6 位数字，例如 222424。"))
NATIONAL_REGION = "000000"


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True
