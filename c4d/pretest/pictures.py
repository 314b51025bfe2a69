"""The pre-test's charts: `criteria_chart` (share favourable per criterion against the
threshold, coloured by verdict, n on every bar) and `comparison_chart` (versions or
alternatives side by side), both built by the one result chart of every page
(`c4d.pictures.bar_chart`), on the page and the projector (`big=True`); `criteria_png`
and `comparison_png` draw the same bars as pictures for reports (`c4d.pictures`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from c4d import pictures as charts
from c4d.pretest.model import Verdict
from c4d.pretest.scoring import CODED, Comparison, MaterialResult
from c4d.text import percent

if TYPE_CHECKING:
    import altair as alt

VERDICT_COLOURS = {Verdict.ready: "#0b5cad", Verdict.revise: "#c2410c", Verdict.no_data: "#9e9e9e"}
SERIES_COLOURS = ["#0b5cad", "#7b1fa2", "#00897b", "#5d4037", "#37474f", "#ad1457"]
SHARE_TICKS = (0, 20, 40, 60, 80, 100)
SHARE_TITLE = "Favourable answers (4 or 5), %"


def _rows(result: MaterialResult) -> list[dict[str, Any]]:
    rows = []
    for c in result.criteria:
        rows.append({"Criterion": c.criterion.label, "Share": round((c.share or 0) * 100, 1), "n": c.n,
                     "Verdict": c.verdict.label, "Colour": VERDICT_COLOURS[c.verdict],
                     "Shown": f"{percent(c.share)} · n = {c.n}" + (" · few answers" if c.small else "")})
    u = result.understanding
    if u.n:
        rows.append({"Criterion": CODED, "Share": round((u.share or 0) * 100, 1), "n": u.n,
                     "Verdict": u.verdict.label, "Colour": VERDICT_COLOURS[u.verdict],
                     "Shown": f"{percent(u.share)} correct · n = {u.n}" + (" · few answers" if u.small else "")})
    return rows


def _criteria_rows(result: MaterialResult) -> list[charts.BarRow]:
    return [charts.BarRow.one(r["Criterion"], r["Share"], r["Shown"], r["Colour"]) for r in _rows(result)]


def _comparison_rows(comparison: Comparison) -> tuple[list[charts.BarRow], list[tuple[str, str]]]:
    """One row per criterion with a bar per material, and the materials' (name, colour)."""
    colours = SERIES_COLOURS[:len(comparison.names)] or ["#0b5cad"]
    rows = []
    for row in comparison.rows:
        bars = [charts.Bar(round((share or 0) * 100, 1), f"{percent(share)} (n = {n})", colours[i % len(colours)])
                for i, (share, n) in enumerate(zip(row.shares, row.ns))]
        rows.append(charts.BarRow(row.label, tuple(bars)))
    return rows, list(zip(comparison.names, colours))


def criteria_chart(result: MaterialResult, *, big: bool = False) -> alt.LayerChart:
    """Horizontal bars: the share of favourable answers (4–5) per criterion, blue when it
    reaches the threshold (ready) and orange when not (revise), with a dashed line at the
    threshold and the share and n written on every bar (the one result chart,
    c4d.pictures.bar_chart)."""
    return charts.bar_chart(_criteria_rows(result), axis_title=SHARE_TITLE, ticks=SHARE_TICKS, suffix="%",
                            threshold=result.threshold, threshold_label=f"threshold {result.threshold}%",
                            name_title="Criterion", big=big)


def comparison_chart(comparison: Comparison, threshold: int, *, big: bool = False) -> alt.LayerChart:
    """Versions or alternatives side by side: one bar per material within each criterion."""
    rows, legend = _comparison_rows(comparison)
    return charts.bar_chart(rows, axis_title=SHARE_TITLE, ticks=SHARE_TICKS, suffix="%", threshold=threshold,
                            legend=legend, name_title="Criterion", big=big)


def criteria_png(result: MaterialResult) -> bytes | None:
    """`criteria_chart` as a picture for a report."""
    return charts.bar_chart_png(_criteria_rows(result), axis_title=SHARE_TITLE, ticks=SHARE_TICKS,
                                threshold=result.threshold, threshold_label=f"threshold {result.threshold}%")


def comparison_png(comparison: Comparison, threshold: int) -> bytes | None:
    """`comparison_chart` as a picture for a report: one bar per material in each
    criterion, in the materials' colours, named in a legend on top."""
    rows, legend = _comparison_rows(comparison)
    return charts.bar_chart_png(rows, axis_title=SHARE_TITLE, ticks=SHARE_TICKS, threshold=threshold, legend=legend)
