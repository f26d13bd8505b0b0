"""The period picker's arithmetic, the figures' formatting and the SVG charts."""

import datetime as dt
from decimal import Decimal

from counterhall import charts
from counterhall.efficiency import (
    Period,
    change_of,
    comparison_for,
    period_for,
    shown,
    shown_change,
)

TODAY = dt.date(2026, 3, 31)


def test_periods_picked():
    assert period_for("last_month", today=TODAY) == Period(
        dt.date(2026, 2, 1), dt.date(2026, 2, 28)
    )
    assert period_for("this_month", today=TODAY) == Period(dt.date(2026, 3, 1), TODAY)
    assert period_for("last_7", today=TODAY) == Period(dt.date(2026, 3, 25), TODAY)
    custom = period_for("custom", today=TODAY, start=dt.date(2026, 1, 9), end=dt.date(2026, 1, 2))
    assert custom == Period(dt.date(2026, 1, 2), dt.date(2026, 1, 9))
    assert period_for("custom", today=TODAY) == period_for("last_month", today=TODAY)


def test_periods_compared():
    february = Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert comparison_for(february, "previous") == Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert comparison_for(february, "last_year") == Period(
        dt.date(2025, 2, 1), dt.date(2025, 2, 28)
    )
    week = Period(dt.date(2026, 3, 25), TODAY)
    assert comparison_for(week, "previous") == Period(dt.date(2026, 3, 18), dt.date(2026, 3, 24))
    leap = Period(dt.date(2028, 2, 29), dt.date(2028, 2, 29))
    assert comparison_for(leap, "last_year") == Period(dt.date(2027, 2, 28), dt.date(2027, 2, 28))


def test_figures_and_changes_as_printed():
    assert shown(None, "count") == "—"
    assert shown(Decimal("0.6667"), "rate") == "66.7%"
    assert shown(Decimal("16.25"), "minutes") == "16.3"
    assert shown_change(change_of(5, 7, "count"), "count") == "−2"
    assert (
        shown_change(change_of(Decimal("0.5"), Decimal("0.25"), "rate"), "rate") == "+25.0 个百分点"
    )
    assert shown_change(change_of(3, 3, "count"), "count") == "±0"
    assert change_of(None, 3, "count") is None


def test_charts_escape_labels_and_scale_to_the_largest_value():
    svg = charts.bar_chart([("<script>x</script>", 4), ("B", 2), ("C", None)], title="t&t")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'aria-label="t&amp;t"' in svg
    assert 'width="420.0"' in svg and 'width="210.0"' in svg and "—" in svg
    columns = charts.column_chart([(f"{d:02d}", d) for d in range(1, 31)], title="days")
    assert columns.count('class="column"') == 30
    assert columns.count('class="label"') == 8  # every 4th day labelled
    empty = charts.column_chart([], title="none")
    assert "<svg" in empty


def test_bar_labels_get_the_room_they_need_and_a_huge_one_is_cut():
    import re

    def label_x(svg: str) -> float:
        return float(re.search(r'<text x="([\d.]+)"[^>]*class="label"', svg).group(1))

    short = charts.bar_chart([("REG01", 1)], title="t")
    long_name = "CON02 灵活就业人员参保登记与缴费核定"  # wider than the least room
    longer = charts.bar_chart([(long_name, 1), ("B", 2)], title="t")
    assert label_x(short) == charts.LABEL_WIDTH - 6
    assert label_x(longer) >= charts.text_width(long_name)  # it starts inside the chart
    assert long_name in longer  # whole
    huge = charts.bar_chart([("很长的名称" * 20, 1)], title="t")
    assert label_x(huge) == charts.MAX_LABEL_WIDTH - 6
    drawn = re.search(r'class="label">([^<]*)<', huge).group(1)
    assert drawn.endswith("…") and charts.text_width(drawn) <= charts.MAX_LABEL_WIDTH - 12
    assert "很长的名称" * 20 in huge  # the tooltip keeps it whole
