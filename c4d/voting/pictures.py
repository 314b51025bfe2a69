"""A result as bars: an Altair chart for the page and the projector, and the same bars as a
picture for the report (drawn offline, see c4d.pictures)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from c4d import pictures as charts
from c4d.voting.model import Ballot, Result
from c4d.voting.results import bar_value, value_title
from c4d.text import number

if TYPE_CHECKING:
    import altair as alt

LEADING_COLOUR, OTHER_COLOUR = "#0b5cad", "#8fb3d9"


def result_bars(result: Result) -> list[tuple[str, float, str, bool]]:
    """(option, bar length, the value as written, leading?) per option, best first: what
    the page's chart and the report's picture both draw."""
    winners = set(result.winner_ids)
    return [(r.label, bar_value(result, r), number(bar_value(result, r)), r.option_id in winners)
            for r in result.rows]


# ---- bars sized for the screen they are drawn on ----------------------------------------------
#
# Each option gets a band of `step` pixels and its bar fills BAR_SHARE of the band, so bars never
# touch whatever their number; the chart is as tall as its bands plus the axis under them. On the
# projector the step is chosen so that the whole chart, axis included, fits a 1280×720 screen under
# what the live screen shows above it, and the type is sized from the step.

BAR_SHARE = 0.72  # of each option's band; the rest is the gap between bars

# The smallest projector the live screen is designed for, and what it shows above the chart: the
# join line, the question in 3rem bold (about QUESTION_LINE_CHARS characters a line beside the QR
# code), the count, and two lines of notes (e.g. "Voting is closed." and the result in words).
# Measured in Chromium at 1280×720; if the live screen's layout changes, measure again.
PROJECTOR_HEIGHT_PX = 720
QUESTION_LINE_CHARS = 38
QUESTION_LINE_PX = 58
ABOVE_CHART_PX = 352  # everything above the chart but the question's lines, and a margin below it

BIG_TYPE_PX = (20, 34)  # option names and values on the projector: no smaller, no larger
BIG_STEP_PX = (30, 84)  # an option's band on the projector: with many options, with few
VEGA_PADDING_PX = 8  # what Vega adds around a chart (measured)


@dataclass(frozen=True)
class BarLayout:
    """How a result's bars are laid out: `step` pixels per option (bar and gap), type sizes,
    and what that makes in height. On the projector the axis under the bars is its line and
    title only: every bar has its value written at its end, in larger type than axis numbers."""

    options: int
    step: int
    label_size: int  # option names and the values written at the bar ends
    axis_size: int  # the axis title (and numbers, when shown)
    axis_numbers: bool = True

    @property
    def bar(self) -> int:
        return round(self.step * BAR_SHARE)

    @property
    def height(self) -> int:
        """The bars' part of the chart."""
        return self.step * self.options

    @property
    def axis_height(self) -> int:
        """The axis under the bars (its numbers, its title, the space around them) and Vega's
        padding."""
        return (2 if self.axis_numbers else 1) * self.axis_size + 18 + VEGA_PADDING_PX

    @property
    def total(self) -> int:
        return self.height + self.axis_height


def question_lines(question: str) -> int:
    """Lines the question takes on the projector (an estimate: words are not split)."""
    return max(1, len(textwrap.wrap(question, QUESTION_LINE_CHARS)))


def projector_room(question: str) -> int:
    """Pixels left for the chart, axis included, on a 1280×720 projector's live screen."""
    return PROJECTOR_HEIGHT_PX - ABOVE_CHART_PX - QUESTION_LINE_PX * question_lines(question)


def bar_layout(options: int, *, big: bool = False, room: int | None = None) -> BarLayout:
    """Bars for `options` options. On a laptop screen every band is the same; on the projector
    (`big`) the bands share `room` pixels, within readable limits: with very many options (or
    a very long question) the chart grows taller than the room rather than the type getting
    too small to read from the back."""
    n = max(options, 1)
    if not big:
        return BarLayout(n, step=36, label_size=14, axis_size=12)
    frame = BarLayout(n, 0, 0, axis_size=BIG_TYPE_PX[0], axis_numbers=False)
    available = (room if room is not None else PROJECTOR_HEIGHT_PX // 2) - frame.axis_height
    step = max(BIG_STEP_PX[0], min(BIG_STEP_PX[1], available // n))
    label_size = max(BIG_TYPE_PX[0], min(BIG_TYPE_PX[1], round(step * 0.78)))
    return BarLayout(n, step, label_size, frame.axis_size, axis_numbers=False)


def result_chart(ballot: Ballot, result: Result, *, big: bool = False) -> "alt.LayerChart":
    """Horizontal bars, best first, with the value written at the end of each bar, as tall as
    its options need (see `bar_layout`). `big` is for the projector: type readable from the
    back of a room, and the whole chart within a 1280×720 screen under the question."""
    import altair as alt
    import pandas as pd

    data = pd.DataFrame(result_bars(result), columns=["Option", "Value", "Shown", "Leading"])
    order = [r.label for r in result.rows]
    layout = bar_layout(len(order), big=big, room=projector_room(ballot.question) if big else None)
    gap = 1 - BAR_SHARE
    base = alt.Chart(data).encode(
        y=alt.Y("Option:N", sort=order, title=None,
                scale=alt.Scale(paddingInner=gap, paddingOuter=gap / 2),
                axis=alt.Axis(labelLimit=520 if big else 360, labelFontSize=layout.label_size, labelPadding=10,
                              labelColor="#000000", domainColor="#000000", ticks=False)),
        x=alt.X("Value:Q", title=value_title(ballot, result),
                axis=alt.Axis(labels=layout.axis_numbers, ticks=layout.axis_numbers, grid=layout.axis_numbers,
                              labelFontSize=layout.axis_size, titleFontSize=layout.axis_size, tickMinStep=1,
                              tickCount=5, labelPadding=4, titlePadding=6, domainColor="#000000",
                              labelColor="#000000", titleColor="#000000")),
    )
    bars = base.mark_bar(size=layout.bar).encode(
        color=alt.condition(alt.datum.Leading, alt.value(LEADING_COLOUR), alt.value(OTHER_COLOUR)),
        tooltip=["Option", "Shown"],
    )
    text = base.mark_text(align="left", dx=8, fontSize=layout.label_size, fontWeight="bold",
                          color="#000000").encode(text="Shown:N")
    # The height is the bars' own; "fit-x" lets the page set the width only, so the bars are
    # never squeezed to make room for the axis (Streamlit's default "fit" would).
    return (bars + text).properties(
        height=layout.height, background="#ffffff",
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def result_png(ballot: Ballot, result: Result) -> bytes | None:
    """The result as a picture for the report: the page's bars, drawn without Altair (see
    c4d.pictures); None when it cannot be drawn."""
    rows = [charts.BarRow.one(label, value, shown, LEADING_COLOUR if leading else OTHER_COLOUR)
            for label, value, shown, leading in result_bars(result)]
    return charts.bar_chart_png(rows, axis_title=value_title(ballot, result), whole_numbers=True)
