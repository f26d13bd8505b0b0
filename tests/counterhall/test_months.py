"""Month arithmetic: month ends, 29 February, year boundaries."""

import datetime as dt

import pytest

from counterhall import months

D = dt.date


@pytest.mark.parametrize(
    ("day", "first", "last"),
    [
        (D(2026, 1, 31), D(2026, 1, 1), D(2026, 1, 31)),
        (D(2024, 2, 10), D(2024, 2, 1), D(2024, 2, 29)),
        (D(2025, 2, 1), D(2025, 2, 1), D(2025, 2, 28)),
        (D(2025, 4, 30), D(2025, 4, 1), D(2025, 4, 30)),
        (D(2025, 12, 31), D(2025, 12, 1), D(2025, 12, 31)),
    ],
)
def test_first_and_last_of_month(day, first, last):
    assert months.first_of_month(day) == first
    assert months.last_of_month(day) == last


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # clamped to the month's end
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # 29 Feb a year later
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),  # year boundary forwards
        (D(2026, 1, 1), -1, D(2025, 12, 1)),  # and backwards
        (D(2026, 1, 1), -13, D(2024, 12, 1)),
        (D(1965, 1, 31), 60 * 12, D(2025, 1, 31)),
        (D(2025, 5, 20), 0, D(2025, 5, 20)),
    ],
)
def test_add_months_keeps_the_day_within_the_target_month(day, n, expected):
    assert months.add_months(day, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 1, 31), D(2025, 2, 1), 1),  # days do not count
        (D(2025, 11, 1), D(2026, 2, 28), 3),
        (D(2025, 12, 31), D(2026, 1, 1), 1),
        (D(2026, 3, 1), D(2026, 3, 31), 0),
        (D(2026, 3, 1), D(2025, 3, 1), -12),
    ],
)
def test_months_apart_counts_calendar_months(start, end, expected):
    assert months.months_apart(start, end) == expected


def test_months_in_range_lists_every_month_inclusive_across_a_year_end():
    got = months.months_in_range(D(2025, 11, 20), D(2026, 2, 1))

    assert got == [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1)]
    assert len(got) == months.months_apart(D(2025, 11, 20), D(2026, 2, 1)) + 1


def test_months_in_range_of_one_month_and_of_a_reversed_range():
    assert months.months_in_range(D(2024, 2, 29), D(2024, 2, 1)) == [D(2024, 2, 1)]
    assert months.months_in_range(D(2026, 2, 1), D(2026, 1, 31)) == []


def test_month_key_pads_year_and_month():
    assert months.month_key(D(2026, 3, 31)) == "2026-03"
    assert months.month_key(D(998, 12, 1)) == "0998-12"


def test_month_ranges_compresses_runs_across_year_ends():
    keys = ["2021-05", "2019-12", "2020-01", "2020-02", "2020-01", "2022-12"]

    assert months.month_ranges(keys) == ["2019-12～2020-02", "2021-05", "2022-12"]
    assert months.month_ranges([]) == []
