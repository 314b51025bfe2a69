"""The campaign's journey: where each worksheet stands, the decisions taken so far and
the next thing to do. Derived from content only; nothing here is stored."""

from __future__ import annotations

from dataclasses import dataclass

from c4d.decisions.model import in_force
from c4d.models import Campaign, Decision, Session, SessionKind
from c4d.db.store import Store
from c4d.worksheet import Progress, Status, Worksheet, registered

# The Roadshow's workshops in the order they happen.
ROADSHOW_SESSIONS = (SessionKind.ppcd, SessionKind.media_camp_1, SessionKind.pretest_fgd,
                     SessionKind.media_camp_2, SessionKind.showcase)


@dataclass(frozen=True)
class Stop:
    worksheet: Worksheet
    progress: Progress


@dataclass(frozen=True)
class Journey:
    stops: list[Stop]
    sessions: list[Session]
    participant_counts: dict[str, int]
    decisions: list[Decision]
    next_action: str

    def done(self) -> int:
        return sum(stop.progress.status is Status.done for stop in self.stops)


def journey(store: Store, campaign: Campaign) -> Journey:
    stops = [Stop(w, w.progress(store, campaign)) for w in registered()]
    sessions = store.sessions(campaign.id)
    counts = {s.id: len(store.participants(s.id)) for s in sessions}
    current = list(in_force(store, campaign.id).values())
    return Journey(stops, sessions, counts, current, _next_action(stops, sessions, counts))


def _next_action(stops: list[Stop], sessions: list[Session], counts: dict[str, int]) -> str:
    kinds = {s.kind for s in sessions}
    if SessionKind.ppcd not in kinds:
        return "Add the PPCD workshop on the 'Workshop sessions' page: its date, place and agenda."
    ppcd = next(s for s in sessions if s.kind is SessionKind.ppcd)
    if not ppcd.agenda:
        return f"Write the agenda of '{ppcd.title}' on the 'Workshop sessions' page."
    if counts.get(ppcd.id, 0) == 0:
        return f"Register the participants of '{ppcd.title}' (type them in or upload the sign-in sheet)."
    for stop in stops:
        if stop.progress.status is not Status.done and stop.progress.next_action:
            return stop.progress.next_action
    for kind in ROADSHOW_SESSIONS:
        if kind not in kinds:
            return f"Plan the next workshop: add the {kind.label} on the 'Workshop sessions' page."
    return "Every worksheet is done. Export the workshop reports and back up the campaign."
