"""The one small interface every worksheet implements.

A worksheet is a page of the journey (PPCD decisions, audience framework, SMART
objectives, ...). It declares where it sits in the P-Process and the Roadshow, derives
its status from its content, suggests the next action, and contributes a section to a
session's workshop report. The overview, the navigation and the report are composed
from the registered worksheets; nothing is listed that is not registered, so nothing is
listed that does not work.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from c4d.report_writer import ReportWriter
    from c4d.models import Campaign, Session
    from c4d.db.store import Store


class PStep(int, Enum):
    analysis = 1
    design = 2
    development = 3
    implementation = 4
    evaluation = 5

    @property
    def label(self) -> str:
        return P_STEP_LABELS[self]

    @property
    def short_label(self) -> str:
        """'1 · Analysis': the step's name where space is short (the sidebar)."""
        return P_STEP_LABELS[self].split(" — ")[0]


P_STEP_LABELS = {
    PStep.analysis: "1 · Analysis — know your audience",
    PStep.design: "2 · Strategic design — know how to reach them",
    PStep.development: "3 · Development & testing — does it work?",
    PStep.implementation: "4 · Implementation — get the message out",
    PStep.evaluation: "5 · Monitoring & evaluation — how is it going?",
}


class RoadshowStep(str, Enum):
    ppcd = "PPCD"
    research = "Research"
    media_camp_1 = "Media Camp 1"
    media_camp_2 = "Media Camp 2"
    showcase = "Showcase"
    impact = "Impact research"


class Status(str, Enum):
    not_started = "not started"
    in_progress = "in progress"
    done = "done"


@dataclass(frozen=True)
class Progress:
    status: Status
    detail: str = ""
    next_action: str = ""


class Worksheet(Protocol):
    key: str
    title: str
    p_step: PStep
    roadshow_step: RoadshowStep
    page: str  # path of the Streamlit page, relative to the project root
    icon: str  # a Material icon name for the navigation, e.g. ":material/how_to_vote:"

    def progress(self, store: "Store", campaign: "Campaign") -> Progress: ...

    def report_section(
        self, store: "Store", campaign: "Campaign", session: "Session", writer: "ReportWriter"
    ) -> bool:
        """Write this worksheet's section for the session; False when it has nothing."""
        ...


# Modules that register a worksheet when imported, in journey order.
BUILT_IN = ("c4d.ideas.worksheet", "c4d.voting.worksheet", "c4d.decisions.worksheet", "c4d.audience.worksheet",
            "c4d.strategy.worksheet", "c4d.brief.worksheet", "c4d.pretest.worksheet")

_REGISTRY: dict[str, Worksheet] = {}


def register(worksheet: Worksheet) -> Worksheet:
    _REGISTRY[worksheet.key] = worksheet
    return worksheet


def registered() -> list[Worksheet]:
    """All worksheets, in journey order (P-Process step, then registration order)."""
    import importlib

    for module in BUILT_IN:
        importlib.import_module(module)
    modules = {w.key: type(w).__module__ for w in _REGISTRY.values()}
    position = {m: i for i, m in enumerate(BUILT_IN)}
    return sorted(_REGISTRY.values(), key=lambda w: (w.p_step.value, position.get(modules[w.key], len(BUILT_IN))))
