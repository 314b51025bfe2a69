"""A result as bars: an Altair chart for the page and the projector, and the same bars as a
picture for the report (drawn offline, see c4d.pictures)."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from c4d import pictures as charts
from c4d.voting.model import Ballot, Result
from c4d.voting.results import bar_value, value_title
from c4d.text import number

if TYPE_CHECKING:
    import altair as alt

LEADING_COLOUR, OTHER_COLOUR = charts.BLUE, charts.PALE_BLUE


def result_bars(result: Result) -> list[tuple[str, float, str, bool]]:
    """(option, bar length, the value as written, leading?) per option, best first: what
    the page's chart and the report's picture both draw."""
    winners = set(result.winner_ids)
    return [(r.label, bar_value(result, r), number(bar_value(result, r)), r.option_id in winners)
            for r in result.rows]


# ---- bars sized for the screen they are drawn on ----------------------------------------------
#
# The bars are laid out by the one chart of every result (c4d.pictures.bar_chart). On the
# projector the rows share the room the live screen leaves under what it shows above the
# chart, so that the whole chart, axis included, fits a 1280×720 screen.

# The smallest projector the live screen is designed for, and what it shows above the chart: the
# join line, the question in 3rem bold (about QUESTION_LINE_CHARS characters a line beside the QR
# code), the count, and two lines of notes (e.g. "Voting is closed." and the result in words).
# Measured in Chromium at 1280×720; if the live screen's layout changes, measure again.
PROJECTOR_HEIGHT_PX = 720
QUESTION_LINE_CHARS = 38
QUESTION_LINE_PX = 58
ABOVE_CHART_PX = 352  # everything above the chart but the question's lines, and a margin below it


def question_lines(question: str) -> int:
    """Lines the question takes on the projector (an estimate: words are not split)."""
    return max(1, len(textwrap.wrap(question, QUESTION_LINE_CHARS)))


def projector_room(question: str) -> int:
    """Pixels left for the chart, axis included, on a 1280×720 projector's live screen."""
    return PROJECTOR_HEIGHT_PX - ABOVE_CHART_PX - QUESTION_LINE_PX * question_lines(question)


def result_rows(result: Result) -> list[charts.BarRow]:
    """The result's bars, best first, the leading option(s) in the darker blue: what the page,
    the projector and the report draw."""
    return [charts.BarRow.one(label, value, shown, LEADING_COLOUR if leading else OTHER_COLOUR)
            for label, value, shown, leading in result_bars(result)]


def result_chart(ballot: Ballot, result: Result, *, big: bool = False) -> alt.LayerChart:
    """Horizontal bars, best first, with the value written at the end of each bar and every
    option's name beside its bar (see c4d.pictures.bar_chart). `big` is for the projector: type
    readable from the back of a room, and the chart within a 1280×720 screen under the question
    where its options allow."""
    return charts.bar_chart(result_rows(result), axis_title=value_title(ballot, result), whole_numbers=True,
                            big=big, room=projector_room(ballot.question) if big else None)


def result_png(ballot: Ballot, result: Result) -> bytes | None:
    """The result as a picture for the report: the page's bars, drawn without Altair (see
    c4d.pictures); None when it cannot be drawn."""
    return charts.bar_chart_png(result_rows(result), axis_title=value_title(ballot, result), whole_numbers=True)
