import datetime as dt

import pytest

from counterhall.calendar import add_working_days, is_working_day, working_days_between
from counterhall.models import CalendarDay

D = dt.date


@pytest.mark.django_db
def test_friday_plus_one_working_day_is_monday():
    assert add_working_days(D(2026, 11, 20), 1) == D(2026, 11, 23)


@pytest.mark.django_db
def test_five_working_days_span_a_weekend():
    assert add_working_days(D(2026, 11, 25), 5) == D(2026, 12, 2)


@pytest.mark.django_db
def test_national_day_holidays_are_skipped_and_makeup_saturday_counts():
    # 2026-09-30 (Wed) + 1 working day: Oct 1–7 are holidays, Oct 8 (Thu) is the next one.
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    # Sat 2026-10-10 is a make-up working day.
    assert is_working_day(D(2026, 10, 10))
    assert add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)


@pytest.mark.django_db
def test_holiday_added_by_admin_moves_the_deadline():
    assert add_working_days(D(2030, 3, 1), 1) == D(2030, 3, 4)
    CalendarDay.objects.create(date=D(2030, 3, 4), kind="holiday", name="测试假日")
    assert add_working_days(D(2030, 3, 1), 1) == D(2030, 3, 5)


@pytest.mark.django_db
def test_working_days_between_counts_after_start():
    assert working_days_between(D(2026, 11, 20), D(2026, 11, 23)) == 1
    assert working_days_between(D(2026, 11, 23), D(2026, 11, 23)) == 0


@pytest.mark.django_db
def test_zero_days_is_the_same_day_and_negative_is_refused():
    assert add_working_days(D(2026, 11, 25), 0) == D(2026, 11, 25)
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2026, 11, 25), -1)
