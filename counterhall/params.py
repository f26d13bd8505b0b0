"""Policy parameters: dated, per region, never literals in code.

``param(key, region=..., on=...)`` finds the row in force on a date, falling back from the
county (222424) to its prefecture (222400), its province (220000) and the national default
(000000). The result carries its version so computed figures can say which rows they used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from counterhall.models import NATIONAL_REGION, PolicyParameter


class ParameterMissing(LookupError):
    def __init__(self, key: str, region: str, on: dt.date):
        self.key, self.region, self.on = key, region, on
        super().__init__(
            _("缺少政策参数 %(key)s（地区 %(region)s，日期 %(on)s），请大厅管理员补录。")
            % {"key": key, "region": region, "on": on}
        )


@dataclass(frozen=True)
class ParamValue:
    key: str
    value: object
    region: str
    effective_from: dt.date
    version: int

    @property
    def decimal(self) -> Decimal:
        return Decimal(str(self.value))

    def reference(self) -> dict:
        """What a frozen figure records about the parameter it used."""
        return {
            "key": self.key,
            "region": self.region,
            "effective_from": self.effective_from.isoformat(),
            "version": self.version,
            "value": self.value,
        }


def region_chain(region: str) -> list[str]:
    chain = [region, region[:4] + "00", region[:2] + "0000", NATIONAL_REGION]
    return list(dict.fromkeys(chain))


def param(key: str, *, region: str, on: dt.date) -> ParamValue:
    chain = region_chain(region)
    rows = PolicyParameter.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        key=key,
        region__in=chain,
        effective_from__lte=on,
    ).order_by("-effective_from")
    by_region: dict[str, PolicyParameter] = {}
    for row in rows:
        by_region.setdefault(row.region, row)
    for candidate in chain:
        found = by_region.get(candidate)
        if found is not None:
            return ParamValue(found.key, found.value, found.region, found.effective_from, found.pk)
    raise ParameterMissing(key, region, on)


def param_decimal(key: str, *, region: str, on: dt.date) -> Decimal:
    return param(key, region=region, on=on).decimal


class ParamReader:
    """Reads parameters for one region and date and remembers which versions it used."""

    def __init__(self, *, region: str, on: dt.date):
        self.region, self.on = region, on
        self.used: dict[str, ParamValue] = {}

    def get(self, key: str) -> ParamValue:
        if key not in self.used:
            self.used[key] = param(key, region=self.region, on=self.on)
        return self.used[key]

    def decimal(self, key: str) -> Decimal:
        return self.get(key).decimal

    def references(self) -> list[dict]:
        return [p.reference() for p in self.used.values()]
