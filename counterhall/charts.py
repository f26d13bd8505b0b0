"""Charts drawn on the server as inline SVG: no JavaScript library, no CDN (halls run on
closed networks). Each chart is a plain function of (label, value) rows returning markup; the
page shows the same rows as a table a click away (details/summary), so the chart is never the
only way to read a figure. Values are escaped by format_html; sizes are in SVG user units and
the chart scales to its container."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

Number = int | Decimal | float

BAR_HEIGHT = 22
LABEL_WIDTH = 170  # at least; wider for longer labels, up to MAX_LABEL_WIDTH
MAX_LABEL_WIDTH = 330
FONT_SIZE = 12  # svg.chart .label in efficiency.css
PLOT_WIDTH = 420
VALUE_WIDTH = 70
COLUMN_PLOT_HEIGHT = 160


def _scale(values: Sequence[Number | None]) -> float:
    top = max((float(v) for v in values if v is not None), default=0.0)
    return top if top > 0 else 1.0


def text_width(text: str) -> float:
    """About how wide ``text`` is drawn at ``FONT_SIZE``: a wide (CJK, full-width) character
    takes a whole em, any other about 0.6 em."""
    from unicodedata import east_asian_width

    return sum(FONT_SIZE * (1.0 if east_asian_width(c) in "WF" else 0.6) for c in text)


def label_width(labels: Sequence[str]) -> int:
    """The room left of the bars for the longest label, so none is cut off at the edge."""
    widest = max((text_width(str(label)) for label in labels), default=0.0)
    return int(min(MAX_LABEL_WIDTH, max(LABEL_WIDTH, widest + 12)))


def fit(label: str) -> str:
    """The label as drawn: cut with an ellipsis when even the widest room would not hold it
    (the bar's tooltip and the table keep it whole)."""
    room = MAX_LABEL_WIDTH - 12
    if text_width(label) <= room:
        return label
    while label and text_width(label + "…") > room:
        label = label[:-1]
    return label + "…"


def _shown(value: Number | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value}{unit}"


def bar_chart(
    rows: Sequence[tuple[str, Number | None]], *, title: str, unit: str = "", css: str = ""
) -> SafeString:
    """Horizontal bars, one per row (label left, value right): for business types, tellers,
    windows, rating grades."""
    top = _scale([v for _, v in rows])
    height = max(len(rows), 1) * BAR_HEIGHT + 8
    left = label_width([label for label, _ in rows])
    width = left + PLOT_WIDTH + VALUE_WIDTH
    bars = format_html_join(
        "",
        '<g class="bar"><title>{} {}</title>'
        '<text x="{}" y="{}" text-anchor="end" class="label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" class="fill"></rect>'
        '<text x="{}" y="{}" class="value">{}</text></g>',
        (
            (
                label,
                _shown(value, unit),
                left - 6,
                i * BAR_HEIGHT + 19,
                fit(str(label)),
                left,
                i * BAR_HEIGHT + 6,
                round(PLOT_WIDTH * float(value or 0) / top, 1),
                BAR_HEIGHT - 6,
                left + round(PLOT_WIDTH * float(value or 0) / top, 1) + 4,
                i * BAR_HEIGHT + 19,
                _shown(value, unit),
            )
            for i, (label, value) in enumerate(rows)
        ),
    )
    return format_html(
        '<svg class="chart bars {}" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
        css,
        width,
        height,
        title,
        title,
        bars,
    )


def column_chart(
    rows: Sequence[tuple[str, Number | None]],
    *,
    title: str,
    unit: str = "",
    css: str = "",
    every: int = 0,
) -> SafeString:
    """Vertical columns along a time axis (one per day); ``every`` labels every n-th column
    (0: about eight labels whatever the number of days)."""
    count = max(len(rows), 1)
    step = every or max(1, -(-count // 8))
    slot = max(8.0, min(40.0, 640 / count))
    top = _scale([v for _, v in rows])
    width = 40 + slot * count
    height = COLUMN_PLOT_HEIGHT + 40
    columns = format_html_join(
        "",
        '<g class="column"><title>{} {}</title>'
        '<rect x="{}" y="{}" width="{}" height="{}" class="fill"></rect>{}</g>',
        (
            (
                label,
                _shown(value, unit),
                round(40 + i * slot + 1, 1),
                round(10 + COLUMN_PLOT_HEIGHT * (1 - float(value or 0) / top), 1),
                round(slot - 2, 1),
                round(COLUMN_PLOT_HEIGHT * float(value or 0) / top, 1),
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" class="label">{}</text>',
                    round(40 + i * slot + slot / 2, 1),
                    COLUMN_PLOT_HEIGHT + 26,
                    label,
                )
                if i % step == 0
                else "",
            )
            for i, (label, value) in enumerate(rows)
        ),
    )
    axis = format_html(
        '<text x="34" y="18" text-anchor="end" class="value">{}</text>'
        '<text x="34" y="{}" text-anchor="end" class="value">0</text>'
        '<line x1="38" y1="{}" x2="{}" y2="{}" class="axis"></line>',
        _shown(max((v for _, v in rows if v is not None), default=0), unit),
        COLUMN_PLOT_HEIGHT + 12,
        COLUMN_PLOT_HEIGHT + 10,
        round(width, 1),
        COLUMN_PLOT_HEIGHT + 10,
    )
    return format_html(
        '<svg class="chart columns {}" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}{}</svg>',
        css,
        round(width, 1),
        height,
        title,
        title,
        axis,
        columns,
    )
