"""Money is Decimal yuan, rounded to cents half-up. No float crosses a boundary."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def to_decimal(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass a str or Decimal.")
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not a number") from exc


def cents(value) -> Decimal:
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# Where a case's key amount is read from its frozen figures: the ``summary`` pairs of the
# handlers' figures, then the top level; the first key present wins (the sign-off batch
# and the spot check's amount rule read it the same way).
AMOUNT_KEYS = ("refund_amount", "total", "amount", "monthly_pension", "pension", "benefit")


def figures_lookup(figures: dict | None) -> dict:
    """The figures' top level with their ``summary`` pairs laid over it."""
    figures = figures or {}
    summary = figures.get("summary") or []
    pairs = {p[0]: p[1] for p in summary if isinstance(p, list | tuple) and len(p) == 2}
    return {**{k: v for k, v in figures.items() if k != "summary"}, **pairs}


def figures_amount(figures: dict | None, look: dict | None = None) -> Decimal | None:
    """The case's key amount in yuan (``AMOUNT_KEYS``), or None when the figures name none."""
    look = figures_lookup(figures) if look is None else look
    for key in AMOUNT_KEYS:
        if look.get(key) not in (None, ""):
            try:
                return cents(look[key])
            except (InvalidOperation, TypeError, ValueError):
                continue
    return None
