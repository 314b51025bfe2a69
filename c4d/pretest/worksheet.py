"""The pre-test as worksheets: draft materials, pre-test sessions and scoring, results and
decisions — their progress, their next action, and their report sections.

- `MaterialsWorksheet` (the register; its report section lists the drafts made in a
  session), `PretestWorksheet` (groups and scoring; its report section is the pre-test
  held in a session) and `PretestResultsWorksheet` (verdicts and the decision log; its
  report section is the results discussed in a session).

The tables, charts and report paragraphs they write come from `c4d.pretest.results` and
`c4d.pretest.pictures`, shared with the pages and the pre-test report.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from c4d.models import Campaign, Session
from c4d.pretest.model import Material, PretestDoc, PretestError, Verdict, decision_log, is_dropped
from c4d.pretest.record import load
from c4d.pretest.results import (
    DECISION_HEADERS,
    SUMMARY_HEADERS,
    SUMMARY_WIDTHS,
    session_names,
    summary_rows,
    verdict_line,
    write_group,
    write_material,
    write_method,
)
from c4d.pretest.scoring import result_of
from c4d.worksheet import PStep, Progress, RoadshowStep, Status, register
from c4d.text import plural, short_date

if TYPE_CHECKING:
    from c4d.db.store import Store
    from c4d.report_writer import ReportWriter

log = logging.getLogger(__name__)


def _doc(store: "Store", campaign: Campaign) -> PretestDoc | None:
    try:
        return load(store, campaign.id)
    except PretestError:
        log.exception("The pre-test record of %s could not be read", campaign.id)
        return None


# ---- progress in words -----------------------------------------------------------------------

def untested(doc: PretestDoc) -> list[Material]:
    """Latest versions (not dropped) that nobody has scored, and that are not a revision
    made after a tested version (those may go to production without a second round)."""
    waiting = []
    for family in doc.families():
        latest = family[-1]
        if is_dropped(doc, latest) or doc.responses_to(latest.id):
            continue
        earlier_tested = any(doc.responses_to(m.id) for m in family[:-1])
        if not earlier_tested:
            waiting.append(latest)
    return waiting


def undecided(doc: PretestDoc) -> list[Material]:
    """Tested materials without a decision in the log."""
    return [m for m in doc.tested() if doc.latest_decision(m.id) is None]


# ---- the worksheets --------------------------------------------------------------------------

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
        detail = (f"{plural(len(families), 'material')}, "
                  f"{plural(len(doc.materials), 'version')}.")
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
        detail = (f"{plural(groups, 'group')}, {people} people, "
                  f"{plural(len(doc.tested()), 'material version')} scored.")
        waiting = untested(doc)
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
        ready = sum(1 for m in tested if result_of(doc, m).verdict is Verdict.ready)
        detail = f"{len(tested)} scored, {ready} ready; {len(doc.decisions)} decision(s) in the log."
        pending = undecided(doc)
        if pending:
            first = pending[0]
            result = result_of(doc, first)
            return Progress(Status.in_progress, detail,
                            f"Decide on '{first.name}' (keep, revise or drop): {verdict_line(result)}")
        return Progress(Status.done, detail)

    def report_section(self, store: "Store", campaign: Campaign, session: Session, writer: "ReportWriter") -> bool:
        doc = _doc(store, campaign)
        if doc is None:
            return False
        decided = [d for d in decision_log(doc) if d.session_id == session.id]
        if not decided:
            return False
        names = session_names(store, campaign.id, doc)
        writer.heading("Pre-test results and decisions", 1)
        if doc.illustrative:
            writer.note(doc.illustrative)
        writer.paragraph("The pre-test results were discussed in this session and these decisions were taken.")
        writer.table(DECISION_HEADERS[:4], [[short_date(d.date), d.material, d.decision.label, d.reason]
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
