"""The strategy as worksheets — SMART objectives and channels and distribution: what
their pages read, their status on the overview and their sections of the workshop
reports of the media camps. The writes are in `c4d.strategy.commands`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from c4d.audience.model import AudienceRole
from c4d.audience.reading import load_analysis
from c4d.decisions.model import in_force
from c4d.models import Campaign, DecisionTopic, Session, SessionKind
from c4d.strategy.channel_checks import warnings
from c4d.strategy.model import (
    CHANNEL_PLAN,
    OBJECTIVES,
    AudienceOption,
    ChannelEntry,
    ChannelPlan,
    ListDocument,
    Objective,
    ObjectiveSet,
    audience_names,
    resolve,
    shown_name,
)
from c4d.strategy.smart_checks import checked
from c4d.strategy.wording import sentence
from c4d.worksheet import PStep, Progress, RoadshowStep, Status, register
from c4d.text import plural

if TYPE_CHECKING:
    from c4d.db.store import Store
    from c4d.report_writer import ReportWriter

# The sessions whose workshop report carries the objectives and the channels.
REPORTED_SESSIONS = (SessionKind.media_camp_1, SessionKind.media_camp_2)


# ---- what the pages read -------------------------------------------------------------------------
def load(store: "Store", campaign_id: str, document: ListDocument) -> Any:
    """A strategy worksheet's content, validated by its model (empty when nothing is saved)."""
    return store.load_worksheet(campaign_id, document.kind, document.model, document.what)


def load_objectives(store: "Store", campaign_id: str) -> ObjectiveSet:
    return load(store, campaign_id, OBJECTIVES)


def load_plan(store: "Store", campaign_id: str) -> ChannelPlan:
    return load(store, campaign_id, CHANNEL_PLAN)


def known_audiences(store: "Store", campaign_id: str) -> list[AudienceOption]:
    """The campaign's audiences, primary first. From the audience analysis; while it has no
    audiences, from the PPCD decisions on the primary (and secondary) audience."""
    order = {AudienceRole.primary: 0, AudienceRole.secondary: 1, AudienceRole.tertiary: 2}
    try:
        analysis = load_analysis(store, campaign_id)
    except ValueError:  # a damaged analysis must not take the strategy pages down with it
        analysis = None
    if analysis is not None and analysis.audiences:
        return [AudienceOption(a.id, a.name, a.role) for a in sorted(analysis.audiences, key=lambda a: order[a.role])]
    decided = in_force(store, campaign_id)
    options = []
    for topic, role in ((DecisionTopic.primary_audience, AudienceRole.primary),
                        (DecisionTopic.secondary_audience, AudienceRole.secondary)):
        if topic in decided:
            options.append(AudienceOption(None, decided[topic].choice, role))
    return options


def default_place(store: "Store", campaign_id: str) -> str:
    """The PPCD's decision on the area of dissemination, a sensible place to start from."""
    decided = in_force(store, campaign_id).get(DecisionTopic.area)
    return decided.choice if decided is not None else ""


# ---- the worksheets --------------------------------------------------------------------------------
class _StrategyPart:
    """What both worksheets share: their step in the journey, and a report section in the
    reports of the media camps (`REPORTED_SESSIONS`) when the worksheet holds anything
    (`reported`), under its title; `write` adds the rest, with the campaign's audiences
    at hand for their current names."""

    p_step = PStep.design
    roadshow_step = RoadshowStep.media_camp_1
    title: str

    def reported(self, store: "Store", campaign_id: str) -> Any:
        raise NotImplementedError

    def write(self, writer: "ReportWriter", content: Any, audiences: list[AudienceOption]) -> None:
        raise NotImplementedError

    def report_section(self, store: "Store", campaign: Campaign, session: Session, writer: "ReportWriter") -> bool:
        if session.kind not in REPORTED_SESSIONS:
            return False
        content = self.reported(store, campaign.id)
        if not content:
            return False
        writer.heading(self.title, 1)
        self.write(writer, content, known_audiences(store, campaign.id))
        return True


class SmartObjectivesWorksheet(_StrategyPart):
    key = "smart_objectives"
    title = "SMART objectives"
    page = "worksheets/smart_objectives.py"
    icon = ":material/flag:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        objectives = load_objectives(store, campaign.id).objectives
        if not objectives:
            return Progress(Status.not_started, "No objective yet.",
                            "Set the SMART objectives: what the primary audience should know, feel and do.")
        audiences = known_audiences(store, campaign.id)
        flagged = [(o, f) for o, f in checked(objectives, audiences=audiences) if f]
        n = len(objectives)
        detail = f"{plural(n, 'objective')}"
        if flagged:
            first, flags = flagged[0]
            return Progress(Status.in_progress, f"{detail}, {len(flagged)} flagged.",
                            f"Fix the SMART objective '{first.title}': {flags[0].title.lower()}.")
        primary = next((a for a in audiences if a.role is not None and a.role.value == "primary"), None)
        if primary is not None and not any(resolve(o.audience, audiences) == primary for o in objectives):
            return Progress(Status.in_progress, f"{detail}; none for the primary audience.",
                            f"Add a SMART objective for the primary audience, {primary.name}.")
        return Progress(Status.done, f"{detail}, all pass the checks.")

    def reported(self, store: "Store", campaign_id: str) -> list[Objective]:
        return load_objectives(store, campaign_id).objectives

    def write(self, writer: "ReportWriter", objectives: list[Objective], audiences: list[AudienceOption]) -> None:
        rows = []
        for number_, (o, flags) in enumerate(checked(objectives, audiences=audiences), start=1):
            checks = "; ".join(f.title for f in flags) if flags else "All checks pass"
            rows.append([str(number_), sentence(o, shown_name(o.audience, audiences)), o.element.value.capitalize(),
                         checks])
        writer.table(["#", "Objective", "Element", "Checks"], rows, widths_cm=[0.9, 10.6, 2.2, 3.1])


class ChannelsWorksheet(_StrategyPart):
    key = "channels"
    title = "Channels and distribution"
    page = "worksheets/channels.py"
    icon = ":material/campaign:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        plan = load_plan(store, campaign.id)
        if not plan.entries:
            return Progress(Status.not_started, "No channel yet.",
                            "Plan the channels: which media reach the primary audience, and why.")
        problems = [w for w in warnings(plan, known_audiences(store, campaign.id))
                    if w.kind in ("primary_without_channel", "no_evidence", "no_audience", "unknown_audience")]
        n = len(plan.entries)
        detail = f"{plural(n, 'channel')}"
        if problems:
            return Progress(Status.in_progress, f"{detail}; {len(problems)} to look at.", problems[0].message)
        return Progress(Status.done, f"{detail}, each with evidence; the primary audience is reached.")

    def reported(self, store: "Store", campaign_id: str) -> list[ChannelEntry]:
        return load_plan(store, campaign_id).entries

    def write(self, writer: "ReportWriter", entries: list[ChannelEntry], audiences: list[AudienceOption]) -> None:
        writer.table(["Channel", "Audiences", "Why (evidence)", "Timing"],
                     [[e.label, ", ".join(audience_names(e, audiences)) or "–", e.evidence or "–", e.timing or "–"]
                      for e in entries], widths_cm=[4.2, 3.8, 6.0, 2.6])


register(SmartObjectivesWorksheet())
register(ChannelsWorksheet())
