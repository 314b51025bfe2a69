"""The pre-test's charts: `criteria_chart` (share favourable per criterion against the
threshold, coloured by verdict, n on every bar) and `comparison_chart` (versions or
alternatives side by side), both Altair, the same on the page and the projector
(`big=True`); `criteria_png` and `comparison_png` draw the same bars as pictures for
reports (`c4d.pictures`)."""

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


def criteria_chart(result: MaterialResult, *, big: bool = False) -> "alt.Chart":
    """Horizontal bars: the share of favourable answers (4–5) per criterion, blue when it
    reaches the threshold (ready) and orange when not (revise), with a dashed line at the
    threshold and the share and n written on every bar."""
    import altair as alt
    import pandas as pd

    rows = _rows(result)
    data = pd.DataFrame(rows)
    order = [r["Criterion"] for r in rows]
    size = 26 if big else 13
    bar = 44 if big else 22
    base = alt.Chart(data).encode(
        y=alt.Y("Criterion:N", sort=order, title=None,
                axis=alt.Axis(labelFontSize=size, labelLimit=600, labelColor="#000000", ticks=False,
                              domainColor="#000000", labelPadding=8)),
        x=alt.X("Share:Q", title="Favourable answers (4 or 5), %", scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(labelFontSize=size - 4 if big else 11, titleFontSize=size - 4 if big else 11,
                              labelColor="#000000", titleColor="#000000", values=[0, 20, 40, 60, 80, 100])),
    )
    bars = base.mark_bar(size=bar).encode(color=alt.Color("Colour:N", scale=None),
                                          tooltip=["Criterion", "Shown", "Verdict"])
    text = base.mark_text(align="left", dx=6, fontSize=size - 2 if big else 12, fontWeight="bold",
                          color="#000000").encode(text="Shown:N")
    rule = alt.Chart(pd.DataFrame([{"Threshold": result.threshold}])).mark_rule(
        color="#000000", strokeDash=[6, 4], size=2).encode(x="Threshold:Q")
    label = alt.Chart(pd.DataFrame([{"Threshold": result.threshold, "Label": f"threshold {result.threshold}%"}])
                      ).mark_text(align="left", dx=4, dy=-6, fontSize=size - 4 if big else 11, color="#000000",
                                  baseline="bottom").encode(x="Threshold:Q", y=alt.value(0), text="Label:N")
    return (rule + bars + text + label).properties(height=(bar + 12) * max(len(rows), 1) + 30,
                                                   background="#ffffff",
                                                   padding={"left": 5, "right": 160 if not big else 260,
                                                            "top": 18, "bottom": 5})


def comparison_chart(comparison: Comparison, threshold: int, *, big: bool = False) -> "alt.Chart":
    """Versions or alternatives side by side: one bar per material within each criterion."""
    import altair as alt
    import pandas as pd

    names = comparison.names
    rows = []
    for row in comparison.rows:
        for name, share, n in zip(names, row.shares, row.ns):
            rows.append({"Criterion": row.label, "Material": name, "Share": round((share or 0) * 100, 1),
                         "Shown": f"{percent(share)} (n = {n})"})
    data = pd.DataFrame(rows)
    order = [row.label for row in comparison.rows]
    size = 24 if big else 12
    base = alt.Chart(data).encode(
        y=alt.Y("Criterion:N", sort=order, title=None,
                axis=alt.Axis(labelFontSize=size, labelLimit=600, labelColor="#000000", ticks=False)),
        yOffset=alt.YOffset("Material:N", sort=names),
        x=alt.X("Share:Q", title="Favourable answers (4 or 5), %", scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(labelFontSize=size - 2, titleFontSize=size - 2, labelColor="#000000",
                              titleColor="#000000", values=[0, 20, 40, 60, 80, 100])),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("Material:N", sort=names,
                        scale=alt.Scale(domain=names, range=SERIES_COLOURS[:len(names)] or ["#0b5cad"]),
                        legend=alt.Legend(orient="top", title=None, labelFontSize=size, labelLimit=600)),
        tooltip=["Material", "Criterion", "Shown"])
    text = base.mark_text(align="left", dx=4, fontSize=size - 2, color="#000000").encode(text="Shown:N")
    rule = alt.Chart(pd.DataFrame([{"Threshold": threshold}])).mark_rule(
        color="#000000", strokeDash=[6, 4], size=2).encode(x="Threshold:Q")
    step = (40 if big else 20) * len(names)
    return (rule + bars + text).properties(height=alt.Step(step // max(len(names), 1)), background="#ffffff",
                                           padding={"left": 5, "right": 120, "top": 5, "bottom": 5})


def criteria_png(result: MaterialResult) -> bytes | None:
    """`criteria_chart` as a picture for a report."""
    rows = [charts.BarRow.one(r["Criterion"], r["Share"], r["Shown"], r["Colour"]) for r in _rows(result)]
    return charts.bar_chart_png(rows, axis_title="Favourable answers (4 or 5), %", ticks=SHARE_TICKS,
                                threshold=result.threshold, threshold_label=f"threshold {result.threshold}%")


def comparison_png(comparison: Comparison, threshold: int) -> bytes | None:
    """`comparison_chart` as a picture for a report: one bar per material in each
    criterion, in the materials' colours, named in a legend on top."""
    colours = SERIES_COLOURS[:len(comparison.names)] or ["#0b5cad"]
    rows = []
    for row in comparison.rows:
        bars = [charts.Bar(round((share or 0) * 100, 1), f"{percent(share)} (n = {n})", colours[i % len(colours)])
                for i, (share, n) in enumerate(zip(row.shares, row.ns))]
        rows.append(charts.BarRow(row.label, tuple(bars)))
    return charts.bar_chart_png(rows, axis_title="Favourable answers (4 or 5), %", ticks=SHARE_TICKS,
                                threshold=threshold, legend=list(zip(comparison.names, colours)))
