"""Pre-test results as readers see them: tables for the page and the reports, comments and
the participants' own words (who said it in general terms, never a name), and the report
sections for one material, a comparison, a group and the method. The worksheets'
report sections and the pre-test report (`c4d.export.pretest_report`) are written from
these."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from c4d.models import Session, Sex
from c4d.pretest.model import (
    AGE_BANDS,
    GENERAL,
    SMALL_N,
    Coding,
    Criterion,
    Material,
    PretestDoc,
    PretestGroup,
    Respondent,
    Verdict,
    decision_log,
)
from c4d.pretest.pictures import comparison_png, criteria_png
from c4d.pretest.record import load
from c4d.pretest.scoring import CODED, Comparison, MaterialResult, breakdown, compare, result_of
from c4d.text import percent, plural, short_date

if TYPE_CHECKING:
    from c4d.db.store import Store
    from c4d.report_writer import ReportWriter


def short_session_names(sessions: Iterable[Any], doc: PretestDoc | None = None) -> dict[str, str]:
    """Session id → a short name for tables, in the sessions' order: a pre-test group is
    named by its place when no other group has the same place; any other session by its
    title."""
    sessions = list(sessions)
    groups = {g.session_id for g in doc.groups} if doc is not None else {s.id for s in sessions}
    places = Counter(s.place for s in sessions if s.id in groups and s.place)
    return {s.id: s.place if s.id in groups and s.place and places[s.place] == 1 else s.title for s in sessions}


def session_names(store: "Store", campaign_id: str, doc: PretestDoc | None = None) -> dict[str, str]:
    """Short names of the campaign's sessions: pre-test groups by their place."""
    return short_session_names(store.sessions(campaign_id), doc or load(store, campaign_id))


# ---- comments and own words ------------------------------------------------------------------

@dataclass(frozen=True)
class Remark:
    text: str
    who: str  # e.g. "Woman, 18–24 · Ulaanbaatar" — never a name
    score: int | None = None
    coding: Coding | None = None


def describe_person(person: Respondent | None, group_name: str = "") -> str:
    parts = []
    if person is not None:
        if person.sex is not None and person.sex is not Sex.undisclosed:
            parts.append(person.sex.label)
        if person.age_band:
            parts.append(person.age_band)
        if person.role is not None:
            parts.append(person.role.label.lower())
    who = ", ".join(parts) or "Participant"
    return f"{who} · {group_name}" if group_name else who


def comments_by_criterion(doc: PretestDoc, material_id: str, session_names: Mapping[str, str] | None = None,
                          session_id: str | None = None) -> dict[str, list[Remark]]:
    """Comments grouped per criterion (and 'general'), each with who said it in general
    terms and the score they gave on that criterion."""
    people = {r.id: r for r in doc.respondents}
    names = session_names or {}
    grouped: dict[str, list[Remark]] = {}
    for key in [c.value for c in doc.criteria()] + [GENERAL]:
        for response in doc.responses_to(material_id, session_id):
            text = response.comments.get(key)
            if not text:
                continue
            score = response.scores.get(Criterion(key)) if key != GENERAL else None
            grouped.setdefault(key, []).append(Remark(
                text, describe_person(people.get(response.respondent_id), names.get(response.session_id, "")),
                score))
    return grouped


def own_words(doc: PretestDoc, material_id: str, session_names: Mapping[str, str] | None = None,
              session_id: str | None = None) -> list[Remark]:
    people = {r.id: r for r in doc.respondents}
    names = session_names or {}
    return [Remark(r.own_words, describe_person(people.get(r.respondent_id), names.get(r.session_id, "")),
                   r.scores.get(Criterion.comprehension), r.coding)
            for r in doc.responses_to(material_id, session_id) if r.own_words]


def criterion_name(key: str) -> str:
    return "General comments" if key == GENERAL else Criterion(key).label


# ---- tables ----------------------------------------------------------------------------------

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
        rows.append([c.criterion.label, str(c.n), str(c.favourable), percent(c.share), _mean(c.mean), verdict])
    u = result.understanding
    if u.n or u.uncoded:
        rows.append([CODED, str(u.n), f"{u.correct} correct, {u.partly} partly, {u.incorrect} incorrect",
                     percent(u.share) + " correct" if u.n else "–",
                     "–", (u.verdict.label + (" (few answers)" if u.small else "")) if u.n else
                     f"{u.uncoded} not coded yet"])
    return rows


def breakdown_table(doc: PretestDoc, material_id: str, by: str, names: Mapping[str, str]
                    ) -> tuple[list[str], list[list[str]], list[str]] | None:
    """Criteria × groups: 'share (favourable/n)' in each cell, each column headed with its
    n; the small groups are listed for a caution. None when there is only one group."""
    split = breakdown(doc, material_id, by, names)
    if len(split) < 2:
        return None
    headers = ["Criterion"] + [f"{name} (n = {result.answers})" for name, result in split]
    rows = []
    for criterion in doc.criteria():
        row = [criterion.label]
        for _, result in split:
            c = result.get(criterion)
            row.append("–" if c is None or not c.n else f"{percent(c.share)} ({c.favourable}/{c.n})")
        rows.append(row)
    if any(result.understanding.n for _, result in split):
        row = [CODED]
        for _, result in split:
            u = result.understanding
            row.append("–" if not u.n else f"{percent(u.share)} ({u.correct}/{u.n})")
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
        cells = [row.label] + [f"{percent(s)} (n = {n}) · {v.label}" if n else "–"
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
                f"({plural(result.answers, 'answer')}).")
    return "Revise — " + "; ".join(result.shortfalls()) + "."


def summary_rows(doc: PretestDoc, materials: Sequence[Material]) -> list[list[str]]:
    rows = []
    for material in materials:
        result = result_of(doc, material)
        weakest = result.weakest
        decision = doc.latest_decision(material.id)
        rows.append([material.name, material.type.label, str(result.answers), result.verdict.label,
                     f"{weakest.criterion.label} {percent(weakest.share)}" if weakest else "–",
                     f"{decision.decision.label} ({short_date(decision.date)})" if decision else "–"])
    return rows


SUMMARY_HEADERS = ["Material", "Type", "Answers", "Verdict", "Weakest criterion", "Decision"]
SUMMARY_WIDTHS = [4.0, 2.4, 2.1, 2.0, 3.1, 3.0]


def decision_rows(doc: PretestDoc, names: Mapping[str, str]) -> list[list[str]]:
    return [[short_date(d.date), d.material, d.decision.label, d.reason,
             names.get(d.session_id or "", "–")] for d in decision_log(doc)]


DECISION_HEADERS = ["Date", "Material", "Decision", "Reason", "Discussed in"]
DECISION_WIDTHS = [2.2, 3.4, 1.9, 6.5, 2.6]


# ---- report sections -------------------------------------------------------------------------

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


def write_material(writer: "ReportWriter", doc: PretestDoc, material: Material, names: Mapping[str, str],
                   *, session_id: str | None = None, level: int = 2, split: bool = True) -> bool:
    """One material's results; False (nothing written) when it has no answers there."""
    result = result_of(doc, material, session_id=session_id)
    if not result.answers:
        return False
    writer.heading(f"{material.title} — v{material.version}", level)
    facts = [material.type.label]
    if material.language:
        facts.append(material.language)
    if material.purpose:
        facts.append(f"for: {material.purpose}")
    facts.append(f"{plural(result.answers, 'answer')}")
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
        writer.image(png, width_cm=15.5, max_height_cm=9.0,
                     alt=f"Bar chart of {material.name} on comprehension, appeal, acceptability, relevance and "
                         f"persuasion. {verdict_line(result)}")
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
    comments = comments_by_criterion(doc, material.id, names, session_id)
    words = own_words(doc, material.id, names, session_id)
    if words:
        writer.heading("The main message in their own words", level + 1)
        writer.bullets([f"“{r.text}” — {r.who}" + (f" · coded {r.coding.label.lower()}" if r.coding else
                                                    " · not coded yet") for r in words])
    if comments:
        writer.heading("Comments, by criterion", level + 1)
        for key, remarks in comments.items():
            writer.paragraph(criterion_name(key), bold=True)
            writer.bullets([f"“{r.text}” — {r.who}" + (f" · scored {r.score}" if r.score is not None else "")
                            for r in remarks])
    decisions = doc.decisions_on(material.id)
    for d in decisions:
        writer.paragraph(f"Decision ({short_date(d.date)}): {d.decision.label} — {d.reason}")
    return True


def write_comparison(writer: "ReportWriter", doc: PretestDoc, title: str, material_ids: Sequence[str],
                     level: int = 2) -> bool:
    tested = [m for m in material_ids if result_of(doc, m).answers]
    if len(tested) < 2:
        return False
    comparison = compare(doc, tested)
    writer.heading(title, level)
    png = comparison_png(comparison, doc.threshold)
    if png:
        writer.image(png, width_cm=15.5, max_height_cm=12.0,
                     alt=f"Bar chart comparing {len(comparison.names)} drafts on the five criteria.")
    headers, rows = comparison_rows(comparison)
    writer.table(headers, rows, widths_cm=comparison_widths(len(comparison.names)))
    for note in comparison.notes():
        writer.note(note)
    return True


def write_group(writer: "ReportWriter", doc: PretestDoc, group: PretestGroup, session: Session,
                level: int = 2) -> None:
    """Method, composition and the materials shown, in order."""
    facts = [group.method.label, group.composition.label]
    if group.people:
        facts.append(f"{group.people} people")
    writer.paragraph(" · ".join(facts) + ".")
    if group.counts:
        bands = [b for b in AGE_BANDS if any(r.age_band == b for r in group.counts)]
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
