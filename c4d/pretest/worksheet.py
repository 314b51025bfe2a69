"""The pre-test as worksheets: draft materials, pre-test sessions and scoring, results and
decisions — their progress, their charts, and what they write into reports.

`c4d.pretest.model` holds the record and the arithmetic; this module turns them into what a
facilitator, a projector and a Word reader see:

- `criteria_chart` (share favourable per criterion against the threshold, coloured by
  verdict, n on every bar) and `comparison_chart` (versions or alternatives side by side),
  both Altair, the same on the page and the projector (`big=True`); `criteria_png` and
  `comparison_png` draw the same bars as pictures for reports (c4d.pictures);
- `write_material` — one material's results for a report: verdict in words, chart,
  table, the coded main message, the split by group and sex with small groups marked,
  comments grouped per criterion, own words, and the decisions taken;
- three worksheets: `MaterialsWorksheet` (the register; its report section lists the
  drafts made in a session), `PretestWorksheet` (groups and scoring; its report section
  is the pre-test held in a session) and `PretestResultsWorksheet` (verdicts and the
  decision log; its report section is the results discussed in a session).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from c4d.pretest import model as pretest
from c4d import pictures as charts
from c4d.models import Campaign, Session, Sex
from c4d.pretest.model import (
    SMALL_N,
    Comparison,
    Criterion,
    MaterialResult,
    PretestDoc,
    PretestError,
    Verdict,
    pct,
)
from c4d.worksheet import PStep, Progress, RoadshowStep, Status, register

if TYPE_CHECKING:
    import altair as alt

    from c4d.report_writer import ReportWriter
    from c4d.db.store import Store

log = logging.getLogger(__name__)

VERDICT_COLOURS = {Verdict.ready: "#0b5cad", Verdict.revise: "#c2410c", Verdict.no_data: "#9e9e9e"}
SERIES_COLOURS = ["#0b5cad", "#7b1fa2", "#00897b", "#5d4037", "#37474f", "#ad1457"]
SHARE_TICKS = (0, 20, 40, 60, 80, 100)
CODED = "Main message (coded)"


def session_names(store: "Store", campaign_id: str, doc: PretestDoc | None = None) -> dict[str, str]:
    """Short names of the campaign's sessions: pre-test groups by their place."""
    return pretest.session_names(store.sessions(campaign_id), doc or pretest.load(store, campaign_id))


# ---- charts --------------------------------------------------------------------------------------------

def _rows(result: MaterialResult) -> list[dict[str, Any]]:
    rows = []
    for c in result.criteria:
        rows.append({"Criterion": c.criterion.label, "Share": round((c.share or 0) * 100, 1), "n": c.n,
                     "Verdict": c.verdict.label, "Colour": VERDICT_COLOURS[c.verdict],
                     "Shown": f"{pct(c.share)} · n = {c.n}" + (" · few answers" if c.small else "")})
    u = result.understanding
    if u.n:
        rows.append({"Criterion": CODED, "Share": round((u.share or 0) * 100, 1), "n": u.n,
                     "Verdict": u.verdict.label, "Colour": VERDICT_COLOURS[u.verdict],
                     "Shown": f"{pct(u.share)} correct · n = {u.n}" + (" · few answers" if u.small else "")})
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
                         "Shown": f"{pct(share)} (n = {n})"})
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
        bars = [charts.Bar(round((share or 0) * 100, 1), f"{pct(share)} (n = {n})", colours[i % len(colours)])
                for i, (share, n) in enumerate(zip(row.shares, row.ns))]
        rows.append(charts.BarRow(row.label, tuple(bars)))
    return charts.bar_chart_png(rows, axis_title="Favourable answers (4 or 5), %", ticks=SHARE_TICKS,
                                threshold=threshold, legend=list(zip(comparison.names, colours)))


# ---- tables ----------------------------------------------------------------------------------------------

RESULT_HEADERS = ["Criterion", "n", "Favourable (4–5)", "Share favourable", "Mean (1–5)", "Verdict"]
RESULT_WIDTHS = [3.8, 1.0, 3.2, 2.8, 2.2, 3.6]
PAGE_WIDTH = 16.6  # cm between the report's margins


def first_column_widths(columns: int, first: float = 3.8) -> list[float]:
    """A criterion column wide enough for 'Comprehension', the others sharing the rest."""
    rest = max(columns - 1, 1)
    return [first] + [(PAGE_WIDTH - first) / rest] * rest


def comparison_widths(materials: int) -> list[float]:
    """Criterion, one column per material, the difference (for two), and who is ahead."""
    fixed = [3.2] + ([2.6] if materials == 2 else []) + [2.6]
    each = (PAGE_WIDTH - sum(fixed)) / max(materials, 1)
    return [fixed[0]] + [each] * materials + fixed[1:]


def _keep_with_next(paragraphs: Sequence[Any]) -> None:
    for paragraph in paragraphs:
        if paragraph is not None:
            paragraph.paragraph_format.keep_with_next = True


def _mean(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def result_rows(result: MaterialResult) -> list[list[str]]:
    rows = []
    for c in result.criteria:
        verdict = c.verdict.label + (" (few answers)" if c.small else "")
        rows.append([c.criterion.label, str(c.n), str(c.favourable), pct(c.share), _mean(c.mean), verdict])
    u = result.understanding
    if u.n or u.uncoded:
        rows.append([CODED, str(u.n), f"{u.correct} correct, {u.partly} partly, {u.incorrect} incorrect",
                     pct(u.share) + " correct" if u.n else "–",
                     "–", (u.verdict.label + (" (few answers)" if u.small else "")) if u.n else
                     f"{u.uncoded} not coded yet"])
    return rows


def breakdown_table(doc: PretestDoc, material_id: str, by: str, names: Mapping[str, str]
                    ) -> tuple[list[str], list[list[str]], list[str]] | None:
    """Criteria × groups: 'share (favourable/n)' in each cell, each column headed with its
    n; the small groups are listed for a caution. None when there is only one group."""
    split = pretest.breakdown(doc, material_id, by, names)
    if len(split) < 2:
        return None
    headers = ["Criterion"] + [f"{name} (n = {result.answers})" for name, result in split]
    rows = []
    for criterion in doc.criteria():
        row = [criterion.label]
        for _, result in split:
            c = result.get(criterion)
            row.append("–" if c is None or not c.n else f"{pct(c.share)} ({c.favourable}/{c.n})")
        rows.append(row)
    if any(result.understanding.n for _, result in split):
        row = [CODED]
        for _, result in split:
            u = result.understanding
            row.append("–" if not u.n else f"{pct(u.share)} ({u.correct}/{u.n})")
        rows.append(row)
    small = [f"{name} (n = {result.answers})" for name, result in split if result.small]
    return headers, rows, small


def comparison_rows(comparison: Comparison) -> tuple[list[str], list[list[str]]]:
    names = comparison.names
    headers = ["Criterion"] + names
    if len(names) == 2:
        headers.append(f"Difference ({names[1]} − {names[0]})")
    headers.append("Ahead")
    rows = []
    for row in comparison.rows:
        cells = [row.label] + [f"{pct(s)} (n = {n}) · {v.label}" if n else "–"
                               for s, n, v in zip(row.shares, row.ns, row.verdicts)]
        if len(names) == 2:
            d = row.difference(0, 1)
            cells.append("–" if d is None else "0 points" if round(d) == 0 else f"{d:+.0f} points")
        cells.append(names[row.leader] if row.leader is not None else ("tie" if all(row.ns) else "–"))
        rows.append(cells)
    return headers, rows


def verdict_line(result: MaterialResult) -> str:
    """E.g. 'Revise — Relevance: 56% favourable (5 of 9).'"""
    if result.verdict is Verdict.no_data:
        return "No answers yet."
    if result.verdict is Verdict.ready:
        return (f"Ready — every criterion reaches {result.threshold}% favourable "
                f"({result.answers} answer{'s' if result.answers != 1 else ''}).")
    return "Revise — " + "; ".join(result.shortfalls()) + "."


def summary_rows(doc: PretestDoc, materials: Sequence[pretest.Material]) -> list[list[str]]:
    rows = []
    for material in materials:
        result = pretest.result_of(doc, material)
        weakest = result.weakest
        decision = doc.latest_decision(material.id)
        rows.append([material.name, material.type.label, str(result.answers), result.verdict.label,
                     f"{weakest.criterion.label} {pct(weakest.share)}" if weakest else "–",
                     f"{decision.decision.label} ({pretest.when_label(decision.date)})" if decision else "–"])
    return rows


SUMMARY_HEADERS = ["Material", "Type", "Answers", "Verdict", "Weakest criterion", "Decision"]
SUMMARY_WIDTHS = [4.0, 2.4, 2.1, 2.0, 3.1, 3.0]


# ---- report writing -----------------------------------------------------------------------------------

def write_method(writer: "ReportWriter", doc: PretestDoc) -> None:
    """The criteria and the rule, as a reader of the report needs them."""
    from c4d.phones import phrases

    words = phrases.ENGLISH
    writer.paragraph(
        f"Each participant scored each material from 1 to 5 on {len(doc.criteria())} criteria, after saying its main "
        f"message in their own words (coded by the facilitator as correct, partly correct or incorrect). A score of 4 "
        f"or 5 counts as favourable. A criterion is ready when at least {doc.threshold}% of the answers are "
        f"favourable; a material is ready when every criterion is (and, once coded, the main message too), "
        f"otherwise it needs revising. Groups of fewer than {SMALL_N} people are shown with their n and a caution.")
    writer.table(["Criterion", "What it asks", "Question on the form", "1 means", "5 means"],
                 [[c.label, c.meaning, words[f"pretest_{c.value}_q"], words[f"pretest_{c.value}_1"],
                   words[f"pretest_{c.value}_5"]] for c in doc.criteria()],
                 widths_cm=[3.4, 3.8, 3.6, 2.9, 2.9])


def write_material(writer: "ReportWriter", doc: PretestDoc, material: pretest.Material, names: Mapping[str, str],
                   *, session_id: str | None = None, level: int = 2, split: bool = True) -> bool:
    """One material's results; False (nothing written) when it has no answers there."""
    result = pretest.result_of(doc, material, session_id=session_id)
    if not result.answers:
        return False
    writer.heading(f"{material.title} — v{material.version}", level)
    facts = [material.type.label]
    if material.language:
        facts.append(material.language)
    if material.purpose:
        facts.append(f"for: {material.purpose}")
    facts.append(f"{result.answers} answer{'s' if result.answers != 1 else ''}")
    # The lines that introduce a material stay on the page of its chart.
    lead = [writer.note(" · ".join(facts))]
    if material.text.strip():
        lead.append(writer.paragraph(material.text, italic=True))
    if material.version > 1 and material.changes:
        lead.append(writer.paragraph(f"What changed from v{material.version - 1}: {material.changes}"))
    lead.append(writer.paragraph(verdict_line(result), bold=True))
    png = criteria_png(result)
    if png:
        _keep_with_next(lead)
        writer.image(png, width_cm=15.5, max_height_cm=9.0)
    writer.table(RESULT_HEADERS, result_rows(result), widths_cm=RESULT_WIDTHS)
    if result.small:
        writer.note(f"Only {result.answers} answers: one person moves a share by about "
                    f"{100 / result.answers:.0f} points. Read these figures as indications.")
    if split and session_id is None:
        for by, title in (("group", "By pre-test group"), ("sex", "By sex"), ("role", "By role")):
            table = breakdown_table(doc, material.id, by, names)
            if table is None:
                continue
            headers, rows, small = table
            writer.heading(title, level + 1)
            writer.table(headers, rows, widths_cm=first_column_widths(len(headers)))
            if small:
                writer.note(f"Caution, small groups (fewer than {SMALL_N}): " + ", ".join(small)
                            + ". Shown so nothing is hidden; do not draw conclusions from them alone.")
    comments = pretest.comments_by_criterion(doc, material.id, names, session_id)
    words = pretest.own_words(doc, material.id, names, session_id)
    if words:
        writer.heading("The main message in their own words", level + 1)
        writer.bullets([f"“{r.text}” — {r.who}" + (f" · coded {r.coding.label.lower()}" if r.coding else
                                                    " · not coded yet") for r in words])
    if comments:
        writer.heading("Comments, by criterion", level + 1)
        for key, remarks in comments.items():
            writer.paragraph(pretest.criterion_name(key), bold=True)
            writer.bullets([f"“{r.text}” — {r.who}" + (f" · scored {r.score}" if r.score is not None else "")
                            for r in remarks])
    decisions = doc.decisions_on(material.id)
    for d in decisions:
        writer.paragraph(f"Decision ({pretest.when_label(d.date)}): {d.decision.label} — {d.reason}")
    return True


def write_comparison(writer: "ReportWriter", doc: PretestDoc, title: str, material_ids: Sequence[str],
                     level: int = 2) -> bool:
    tested = [m for m in material_ids if pretest.result_of(doc, m).answers]
    if len(tested) < 2:
        return False
    comparison = pretest.compare(doc, tested)
    writer.heading(title, level)
    png = comparison_png(comparison, doc.threshold)
    if png:
        writer.image(png, width_cm=15.5, max_height_cm=12.0)
    headers, rows = comparison_rows(comparison)
    writer.table(headers, rows, widths_cm=comparison_widths(len(comparison.names)))
    for note in comparison.notes():
        writer.note(note)
    return True


def decision_rows(doc: PretestDoc, names: Mapping[str, str]) -> list[list[str]]:
    return [[pretest.when_label(d.date), d.material, d.decision.label, d.reason,
             names.get(d.session_id or "", "–")] for d in pretest.decision_log(doc)]


DECISION_HEADERS = ["Date", "Material", "Decision", "Reason", "Discussed in"]
DECISION_WIDTHS = [2.2, 3.4, 1.9, 6.5, 2.6]


def write_group(writer: "ReportWriter", doc: PretestDoc, group: pretest.PretestGroup, session: Session,
                level: int = 2) -> None:
    """Method, composition and the materials shown, in order."""
    facts = [group.method.label, group.composition.label]
    if group.people:
        facts.append(f"{group.people} people")
    writer.paragraph(" · ".join(facts) + ".")
    if group.counts:
        bands = [b for b in pretest.AGE_BANDS if any(r.age_band == b for r in group.counts)]
        sexes = [s for s in Sex if any(r.sex is s for r in group.counts)]
        rows = []
        for band in bands:
            cells = [sum(r.count for r in group.counts if r.age_band == band and r.sex is s) for s in sexes]
            rows.append([band] + [str(c) for c in cells] + [str(sum(cells))])
        totals = [sum(r.count for r in group.counts if r.sex is s) for s in sexes]
        rows.append(["Total"] + [str(t) for t in totals] + [str(sum(totals))])
        writer.table(["Age band"] + [s.label for s in sexes] + ["Total"], rows, row_labels=True, totals=True)
    shown = [doc.find_material(m) for m in group.material_order]
    shown = [m for m in shown if m is not None]
    if shown:
        lines = [writer.paragraph("Materials shown, in this order:")]
        lines += writer.bullets([f"{i}. {m.title} (v{m.version}, {m.type.label.lower()})"
                                 for i, m in enumerate(shown, 1)])
        _keep_with_next(lines[:-1])  # the list is not split from its heading line
    if group.notes:
        writer.paragraph(group.notes)


def _doc(store: "Store", campaign: Campaign) -> PretestDoc | None:
    try:
        return pretest.load(store, campaign.id)
    except PretestError:
        log.exception("The pre-test record of %s could not be read", campaign.id)
        return None


# ---- the worksheets ---------------------------------------------------------------------------------------

class MaterialsWorksheet:
    """Draft materials: not started with none registered; in progress while a material has
    neither typed text nor a file; done when every material has its content."""

    key = "materials"
    title = "Draft materials"
    p_step = PStep.development
    roadshow_step = RoadshowStep.media_camp_1
    page = "worksheets/materials.py"
    icon = ":material/draw:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        doc = _doc(store, campaign)
        if doc is None:
            return Progress(Status.in_progress, "The pre-test record could not be read.",
                            "Restore the campaign from its latest backup.")
        if not doc.materials:
            return Progress(Status.not_started, "No draft material yet.",
                            "Register the drafts from Media Camp 1 (slogans, posters, scripts) on the "
                            "'Draft materials' page.")
        families = doc.families()
        detail = (f"{len(families)} material{'s' if len(families) != 1 else ''}, "
                  f"{len(doc.materials)} version{'s' if len(doc.materials) != 1 else ''}.")
        empty = [m for m in doc.materials if not m.has_content]
        if empty:
            return Progress(Status.in_progress, detail,
                            f"Add the text or the file of '{empty[0].name}' so it can be shown in the pre-test.")
        return Progress(Status.done, detail)

    def report_section(self, store: "Store", campaign: Campaign, session: Session, writer: "ReportWriter") -> bool:
        doc = _doc(store, campaign)
        if doc is None:
            return False
        drafted = [m for m in doc.materials if m.drafted_in == session.id]
        if not drafted:
            return False
        writer.heading("Draft materials", 1)
        writer.paragraph("Drafts made in this session, to be pre-tested with the audience before production.")
        writer.table(["Material", "Version", "Type", "Language", "What changed and why"],
                     [[m.title, f"v{m.version}", m.type.label, m.language or "–",
                       m.changes or ("first draft" if m.version == 1 else "–")] for m in drafted],
                     widths_cm=[4.4, 1.6, 3.0, 2.0, 5.6])
        return True


class PretestWorksheet:
    """Pre-test sessions and scoring: not started with no answers; in progress while a
    material (latest version, not dropped, not a revision of a tested version) has no
    answers; done when every material has been tested."""

    key = "pretest"
    title = "Pre-test scoring"
    p_step = PStep.development
    roadshow_step = RoadshowStep.media_camp_2
    page = "worksheets/pretest.py"
    icon = ":material/fact_check:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        doc = _doc(store, campaign)
        if doc is None:
            return Progress(Status.in_progress, "The pre-test record could not be read.",
                            "Restore the campaign from its latest backup.")
        answered = [r for r in doc.responses if not r.is_empty]
        if not answered:
            if not doc.materials:
                return Progress(Status.not_started, "No draft material to test yet.", "")
            return Progress(Status.not_started, "No material scored yet.",
                            "Plan a pre-test focus group with members of the target audience who were not in "
                            "the workshops, on the 'Pre-test scoring' page.")
        people = len({r.respondent_id for r in answered})
        groups = len({r.session_id for r in answered})
        detail = (f"{groups} group{'s' if groups != 1 else ''}, {people} people, "
                  f"{len(doc.tested())} material version{'s' if len(doc.tested()) != 1 else ''} scored.")
        waiting = pretest.untested(doc)
        if waiting:
            return Progress(Status.in_progress, detail, f"Pre-test '{waiting[0].name}' with the audience.")
        return Progress(Status.done, detail)

    def report_section(self, store: "Store", campaign: Campaign, session: Session, writer: "ReportWriter") -> bool:
        doc = _doc(store, campaign)
        if doc is None:
            return False
        group = doc.group(session.id)
        answered = [r for r in doc.responses if r.session_id == session.id and not r.is_empty]
        if group is None or (not answered and not group.material_order):
            return False
        names = session_names(store, campaign.id, doc)
        writer.heading("Pre-test of draft materials", 1)
        if doc.illustrative:
            writer.note(doc.illustrative)
        write_group(writer, doc, group, session)
        if not answered:
            writer.paragraph("No answers were recorded in this session.")
            return True
        writer.heading("How the materials were scored", 2)
        write_method(writer, doc)
        order = [m for m in group.material_order if doc.find_material(m)]
        order += [m.id for m in doc.tested() if m.id not in order]
        for material_id in order:
            write_material(writer, doc, doc.material(material_id), names, session_id=session.id)
        return True


class PretestResultsWorksheet:
    """Results and decisions: not started until something is scored; in progress while a
    scored material has no decision in the log; done when every one has."""

    key = "pretest_results"
    title = "Pre-test results"
    p_step = PStep.development
    roadshow_step = RoadshowStep.media_camp_2
    page = "worksheets/pretest_results.py"
    icon = ":material/insights:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        doc = _doc(store, campaign)
        if doc is None:
            return Progress(Status.in_progress, "The pre-test record could not be read.",
                            "Restore the campaign from its latest backup.")
        tested = doc.tested()
        if not tested:
            return Progress(Status.not_started, "No results yet: nothing has been scored.", "")
        ready = sum(1 for m in tested if pretest.result_of(doc, m).verdict is Verdict.ready)
        detail = f"{len(tested)} scored, {ready} ready; {len(doc.decisions)} decision(s) in the log."
        undecided = pretest.undecided(doc)
        if undecided:
            first = undecided[0]
            result = pretest.result_of(doc, first)
            return Progress(Status.in_progress, detail,
                            f"Decide on '{first.name}' (keep, revise or drop): {verdict_line(result)}")
        return Progress(Status.done, detail)

    def report_section(self, store: "Store", campaign: Campaign, session: Session, writer: "ReportWriter") -> bool:
        doc = _doc(store, campaign)
        if doc is None:
            return False
        decided = [d for d in pretest.decision_log(doc) if d.session_id == session.id]
        if not decided:
            return False
        names = session_names(store, campaign.id, doc)
        writer.heading("Pre-test results and decisions", 1)
        if doc.illustrative:
            writer.note(doc.illustrative)
        writer.paragraph("The pre-test results were discussed in this session and these decisions were taken.")
        writer.table(DECISION_HEADERS[:4], [[pretest.when_label(d.date), d.material, d.decision.label, d.reason]
                                            for d in decided], widths_cm=[2.4, 4.4, 1.9, 7.9])
        materials = []
        for d in decided:
            material = doc.find_material(d.material_id)
            if material is not None and material not in materials:
                materials.append(material)
        writer.heading("Verdicts of the materials discussed", 2)
        writer.table(SUMMARY_HEADERS, summary_rows(doc, materials), widths_cm=SUMMARY_WIDTHS)
        for material in materials:
            write_material(writer, doc, material, names, level=2)
        return True


register(MaterialsWorksheet())
register(PretestWorksheet())
register(PretestResultsWorksheet())


# ---- the printable paper form ------------------------------------------------------------------------------

def paper_form_html(campaign_name: str, session_title: str, materials: Sequence[pretest.Material],
                    criteria: Sequence[Criterion], words: Mapping[str, str], language: str = "en") -> str:
    """A printable score sheet, one A4 page per material, with the same anchored wording
    as the phones (in the campaign's participant language where it is translated). For
    groups without phones; the facilitator types the sheets into the grid afterwards.
    Self-contained HTML: no scripts, fonts or pictures from elsewhere; all text escaped."""
    import html

    esc = html.escape
    pages = []
    for material in materials:
        questions = []
        for i, criterion in enumerate(criteria, start=2):
            key = f"pretest_{criterion.value}"
            boxes = "".join(f'<div class="box">☐ {v} · {esc(words[f"{key}_{v}"])}</div>' for v in range(1, 6))
            questions.append(f'<div class="q"><b>{i}. {esc(words[f"{key}_q"])}</b><div class="boxes">{boxes}</div>'
                             f'<div class="line">{esc(words["pretest_why"])}</div></div>')
        shown = (f'<div class="text">{esc(material.text)}</div>' if material.text.strip()
                 else f"<p>{esc(words['pretest_look'])}</p>")
        pages.append(
            '<section class="page">'
            f'<div class="head">{esc(campaign_name)} · {esc(session_title)} · '
            f'{esc(words["pretest_sex"])}: ______ · {esc(words["pretest_age"])}: ______ · №: ______</div>'
            f"<h1>{esc(material.title)} (v{material.version})</h1>{shown}"
            f'<p class="m">{esc(words["pretest_intro"])}</p>'
            f'<div class="q"><b>1. {esc(words["pretest_words"])}</b>'
            '<div class="line"></div><div class="line"></div></div>'
            + "".join(questions)
            + f'<div class="q"><b>{esc(words["pretest_comment"])}</b><div class="line"></div></div></section>')
    lang = esc(language or "en")
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{esc(campaign_name)} · pre-test score sheet · {esc(session_title)}</title>"
        "<style>@page{size:A4;margin:12mm}body{font:10.5pt/1.3 sans-serif;margin:0;color:#000}"
        ".page{page-break-after:always}.head{font-size:9pt;color:#333;border-bottom:1px solid #999;padding-bottom:2mm}"
        "h1{font-size:15pt;margin:3mm 0 2mm}.text{border-left:3mm solid #999;padding:1mm 3mm;white-space:pre-wrap;"
        "font-size:12pt}.m{font-size:9pt;color:#333}.q{margin:2.5mm 0;page-break-inside:avoid}"
        ".boxes{display:flex;flex-wrap:wrap;gap:1mm 4mm;margin:1mm 0}.box{font-size:9.5pt}"
        ".line{border-bottom:1px solid #777;min-height:6mm;font-size:8.5pt;color:#444}</style></head><body>"
        + "".join(pages) + "</body></html>")
