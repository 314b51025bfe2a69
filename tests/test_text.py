"""Numbers, dates, sizes and clipped text as a facilitator reads them (c4d.text)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from c4d.text import (
    DASH,
    clip,
    listed,
    day_month,
    long_date,
    number,
    percent,
    plural,
    share_of,
    short_date,
    size_label,
    weekday_date,
)

# ---- numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "shown"), [
    (20000, "20,000"), (20000.0, "20,000"), (16.5, "16.5"), (0.125, "0.12"), (0.126, "0.13"),
    (3, "3"), (0, "0"), (-1500, "-1,500"), (2.50, "2.5"), (1234567.891, "1,234,567.89"),
    (-0.001, "0"), (None, DASH),
])
def test_number_is_written_as_people_write_it(value, shown):
    assert number(value) == shown


def test_number_keeps_at_most_the_decimals_asked_for():
    assert number(7.333, 1) == "7.3"
    assert number(7.05, 1) in {"7", "7.1"}  # binary floats round either way; never "7.0"
    assert number(7.25, 0) == "7"


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_number_never_ends_in_a_zero_decimal_and_reads_back(value):
    shown = number(value)
    assert not re.search(r"\.\d*0$", shown) and not shown.endswith(".")
    assert abs(float(shown.replace(",", "")) - value) <= 0.005 + 1e-9 * abs(value)


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_whole_numbers_are_grouped_in_thousands(value):
    shown = number(value)
    assert re.fullmatch(r"-?\d{1,3}(,\d{3})*", shown)
    assert int(shown.replace(",", "")) == value


@pytest.mark.parametrize(("share", "shown"), [(0.42, "42%"), (1, "100%"), (0, "0%"), (0.005, "0%"),
                                              (0.994, "99%"), (None, DASH)])
def test_percent(share, shown):
    assert percent(share) == shown


def test_share_of_a_total():
    assert share_of(1, 3) == "33%"
    assert share_of(3, 3) == "100%"
    assert share_of(0, 0) == DASH  # nothing counted yet: no share, not a crash


@pytest.mark.parametrize(("n", "word", "many", "shown"), [
    (1, "vote", None, "1 vote"), (2, "vote", None, "2 votes"), (0, "vote", None, "0 votes"),
    (None, "vote", None, "0 votes"), (1.5, "point", None, "1.5 points"), (1, "person", "people", "1 person"),
    (3, "person", "people", "3 people"), (1200, "vote", None, "1,200 votes"),
])
def test_plural(n, word, many, shown):
    assert plural(n, word, many) == shown


@pytest.mark.parametrize(("names", "shown"), [([], ""), (["a"], "a"), (["a", "b"], "a and b"),
                                              (["a", "b", "c"], "a, b and c")])
def test_listed(names, shown):
    assert listed(names) == shown
    assert listed(names, "or") == shown.replace(" and ", " or ")


# ---- dates -------------------------------------------------------------------------------------


def test_dates_in_words():
    day = date(2020, 6, 19)
    assert long_date(day) == "19 June 2020"
    assert weekday_date(day) == "Friday 19 June 2020"
    assert short_date(day) == "19 Jun 2020"
    assert day_month(day) == "19 Jun"
    assert long_date(date(2021, 3, 5)) == "5 March 2021"  # no leading zero
    assert day_month(date(2021, 3, 5)) == "5 Mar"


def test_a_moment_is_dated_in_the_laptops_time_zone(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Bangkok")  # UTC+7: 20:00 UTC is the next morning there
    time.tzset()
    try:
        moment = datetime(2020, 6, 19, 20, 0, tzinfo=timezone.utc)
        assert long_date(moment) == "20 June 2020"
        assert short_date(moment) == "20 Jun 2020"
        assert weekday_date(moment) == "Saturday 20 June 2020"
    finally:
        monkeypatch.undo()
        time.tzset()


@given(st.dates())
def test_every_date_names_its_day_month_and_year(day):
    assert long_date(day) == f"{day.day} {day:%B} {day.year}"
    assert weekday_date(day).endswith(long_date(day))
    assert short_date(day).split()[0] == str(day.day)


# ---- sizes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "shown"), [
    (0, "0 bytes"), (90, "90 bytes"), (1023, "1023 bytes"), (1024, "1 KB"), (4002, "4 KB"),
    (512 * 1024, "512 KB"), (200_000, "195 KB"), (200 * 1024 * 1024, "200 MB"), (201 * 1024 * 1024, "201 MB"),
    (int(1.5 * 1024 * 1024), "1.5 MB"), (25 * 1024 * 1024 + 12, "25.0 MB"),
])
def test_size_label(n, shown):
    assert size_label(n) == shown


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10**12))
def test_a_bigger_file_never_reads_smaller(a, b):
    def value(label: str) -> float:
        amount, unit = label.split()
        return float(amount) * {"bytes": 1, "KB": 1024, "MB": 1024 * 1024}[unit]

    small, big = sorted((a, b))
    assert value(size_label(small)) <= value(size_label(big))


@given(st.integers(min_value=1, max_value=10**4), st.integers(min_value=1, max_value=1024 * 1024 - 1))
def test_a_size_just_over_whole_megabytes_does_not_read_as_the_whole_number(megabytes, extra):
    assert size_label(megabytes * 1024 * 1024 + extra) != f"{megabytes} MB"


# ---- clipping ------------------------------------------------------------------------------------


def test_clip_cuts_at_a_word_and_says_so():
    assert clip("Logos of IOM and the helpline number", 24) == "Logos of IOM and the…"
    assert clip("Short enough", 24) == "Short enough"
    assert clip("Averyveryverylongwordwithoutspaces", 10) == "Averyvery…"
    assert clip("one,  two\nthree", 40) == "one, two three"
    assert clip("Reach them, then more", 12) == "Reach them…"  # no dangling comma before '…'
    assert clip(None, 5) == ""


@given(st.text(), st.integers(min_value=1, max_value=200))
def test_clip_never_exceeds_its_limit_and_keeps_a_short_text(text, limit):
    clipped = clip(text, limit)
    assert len(clipped) <= limit
    one_line = " ".join(text.split())
    if len(one_line) <= limit:
        assert clipped == one_line
    else:
        assert clipped.endswith("…")
        assert one_line.startswith(clipped[:-1].rstrip(" ,;:.–—-"))
    assert "\n" not in clipped


def test_dates_work_across_the_year():
    start = date(2024, 1, 1)
    assert {short_date(start + timedelta(days=n)).split()[1] for n in range(366)} == {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
