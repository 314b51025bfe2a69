"""Numbers, dates, sizes and text written as a facilitator reads them, the same on every
page, in every export and on the projector: one helper for each, so a figure never reads
'20000' on one screen and '20,000' on the next.

Pure functions of the standard library only; any module may use them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

DASH = "–"  # what a figure that cannot be given reads as (no votes yet, no total)


# ---- numbers -------------------------------------------------------------------------------------
def number(value: float | None, decimals: int = 2) -> str:
    """20000 → '20,000'; 16.5 → '16.5'; 0.125 → '0.13' (at most `decimals` decimals, no
    trailing zeros); None → '–'."""
    if value is None:
        return DASH
    if float(value).is_integer():
        return f"{value:,.0f}"
    text = f"{value:,.{decimals}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


def percent(share: float | None) -> str:
    """A share (0.42) as a whole percentage: '42%'; None → '–'."""
    return DASH if share is None else f"{share:.0%}"


def share_of(part: float, whole: float) -> str:
    """`part` as a percentage of `whole`: '42%'; '–' when the whole is zero."""
    return percent(part / whole) if whole else DASH


def plural(n: float | None, word: str, many: str | None = None) -> str:
    """'1 vote', '2 votes', '0 votes', '1.5 points', '1,200 votes'; `many` for a word that
    does not just take an s (person/people). None counts as 0."""
    n = n or 0
    return f"{number(n, 1)} {word if n == 1 else (many or word + 's')}"


def listed(names: Sequence[str], conjunction: str = "and") -> str:
    """['a'] → 'a'; ['a', 'b', 'c'] → 'a, b and c' (or 'a, b or c'); [] → ''."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {conjunction} " + names[-1]


# ---- dates -----------------------------------------------------------------------------------
def _day(moment: date | datetime) -> date:
    """The calendar day of a date, or of a moment in the laptop's time zone."""
    return moment.astimezone() if isinstance(moment, datetime) else moment


def long_date(moment: date | datetime) -> str:
    """'19 June 2020'. A moment (a datetime) is read in the laptop's time zone."""
    day = _day(moment)
    return f"{day.day} {day:%B} {day.year}"


def weekday_date(moment: date | datetime) -> str:
    """'Friday 19 June 2020', as a report's cover dates a workshop."""
    day = _day(moment)
    return f"{day:%A} {long_date(day)}"


def short_date(moment: date | datetime) -> str:
    """'19 Jun 2020', where space is short (lists, tables of versions)."""
    day = _day(moment)
    return f"{day.day} {day:%b} {day.year}"


def day_month(moment: date | datetime) -> str:
    """'19 Jun', for the days of a workshop whose year is already said."""
    day = _day(moment)
    return f"{day.day} {day:%b}"


def date_time(moment: datetime) -> str:
    """'19 Jun 2020, 14:05': a moment in the laptop's time zone, where the hour matters
    (a share link made, a version saved)."""
    local = moment.astimezone()
    return f"{short_date(local)}, {local:%H:%M}"


# On the facilitator's pages and in the documents' lines and tables a date reads as
# `short_date` ('19 Jun 2020'); `long_date` and `weekday_date` are for a document's cover
# note and its day headings. A date typed in reads day first (`DATE_INPUT`), and a table's
# date column as `short_date` does (`DATE_COLUMN`, in the table's own pattern language).
DATE_INPUT = "DD/MM/YYYY"
DATE_COLUMN = "D MMM YYYY"


# ---- sizes -----------------------------------------------------------------------------------
KB = 1024
MB = 1024 * 1024


def size_label(n: int) -> str:
    """A byte count as a person reads it: '90 bytes', '512 KB', '200 MB', '1.5 MB'.
    Megabytes keep one decimal unless whole, so a file just over a limit never reads as
    the limit itself ('25.0 MB; at most 25 MB')."""
    if n < KB:
        return f"{n} bytes"
    if n < MB:
        return f"{n / KB:.0f} KB"
    if n % MB == 0:
        return f"{n // MB} MB"
    return f"{n / MB:.1f} MB"


# ---- text --------------------------------------------------------------------------------------
def clip(text: str | None, limit: int) -> str:
    """The text on one line in at most `limit` characters: runs of spaces and line breaks
    become one space; a longer text is cut at the last word that fits (a single long word
    is cut inside), and ends with '…'."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 0.6:  # a word boundary not too far back
        cut = cut[:space]
    return cut.rstrip(" ,;:.–—-") + "…"
