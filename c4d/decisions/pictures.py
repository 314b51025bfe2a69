"""A decision's breakdown as bars, on the scale of its counting method (votes, dots, Borda
points, a score out of 100): the one result chart of every page (c4d.pictures.bar_chart),
the option decided in the darker blue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from c4d import pictures as charts
from c4d.decisions.worksheet import measure
from c4d.models import Decision

if TYPE_CHECKING:
    import altair as alt


def tally_rows(decision: Decision) -> list[charts.BarRow]:
    """The breakdown, most first (ties in the order recorded), each number written as the
    method writes it; the option decided stands out."""
    unit = measure(decision)
    chosen = decision.choice.strip().casefold()
    ordered = sorted(decision.breakdown, key=lambda row: -row.votes)
    return [charts.BarRow.one(row.option, row.votes, unit.show(row.votes),
                              charts.BLUE if row.option.strip().casefold() == chosen else charts.PALE_BLUE)
            for row in ordered]


def tally_chart(decision: Decision, *, big: bool = False) -> alt.LayerChart:
    """The breakdown as bars; `big` for the projector. Counts are on a whole-number axis; a
    score out of 100 on a fixed 0–100 axis; the axis and the tooltip name what is counted."""
    unit = measure(decision)
    return charts.bar_chart(tally_rows(decision), axis_title=unit.title,
                            ticks=charts.axis_ticks(unit.out_of) if unit.out_of else None,
                            whole_numbers=unit.decimals == 0, big=big)
