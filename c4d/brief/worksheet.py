"""The creative brief as a worksheet of the journey: its progress and next action, and its
section of the Media Camp reports (the latest version, the promise, the call to action,
the completeness line)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from c4d.brief.checks import check, completeness_line
from c4d.brief.compose import compose, load_fields
from c4d.brief.model import SECTION_TITLES
from c4d.brief.versions import versions
from c4d.db.store import Store
from c4d.models import Campaign, Session
from c4d.strategy.worksheet import REPORTED_SESSIONS
from c4d.worksheet import PStep, Progress, RoadshowStep, Status, register
from c4d.text import plural

if TYPE_CHECKING:
    from c4d.report_writer import ReportWriter


class CreativeBriefWorksheet:
    key = "creative_brief"
    title = "Creative brief"
    p_step = PStep.design
    roadshow_step = RoadshowStep.media_camp_1
    page = "worksheets/creative_brief.py"
    icon = ":material/brush:"

    def progress(self, store: Store, campaign: Campaign) -> Progress:
        fields = load_fields(store, campaign.id)
        made = versions(store, campaign.id)
        if fields.is_empty() and not made:
            return Progress(Status.not_started, "Not started.",
                            "Write the creative brief: key promise, call to action, key messages and tone.")
        gaps = check(compose(store, campaign))
        missing = [g for g in gaps if g.level == "missing"]
        exported = f"version {made[-1].number} exported" if made else "not exported yet"
        if missing:
            return Progress(Status.in_progress, f"{plural(len(missing), 'part')} missing; {exported}.",
                            f"Creative brief, {SECTION_TITLES[missing[0].section].lower()}: {missing[0].message}")
        if not made:
            return Progress(Status.in_progress, "Complete; not exported yet.",
                            "Export the creative brief (a numbered version) and share it with the creative partner.")
        return Progress(Status.done, f"Complete; {exported}" + (f"; {plural(len(gaps), 'point')} to strengthen." if gaps
                                                                 else "."))

    def report_section(self, store: Store, campaign: Campaign, session: Session, writer: ReportWriter) -> bool:
        if session.kind not in REPORTED_SESSIONS:
            return False
        fields = load_fields(store, campaign.id)
        made = versions(store, campaign.id)
        if fields.is_empty() and not made:
            return False
        writer.heading("Creative brief", 1)
        if made:
            writer.paragraph(f"Latest version: {made[-1].number}, of {made[-1].date_label}.")
        pairs = [(label, value) for label, value in (
            ("Key promise", fields.key_promise), ("Call to action", fields.call_to_action),
            ("Slogan", fields.slogan)) if value]
        writer.key_values(pairs)
        writer.note(completeness_line(check(compose(store, campaign))))
        return True


register(CreativeBriefWorksheet())
