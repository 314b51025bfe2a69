"""The idea board as a worksheet: its progress, its next action and its section of the report.

The board's vocabulary and its rules (support, merging, promoting onto a ballot, the
rows it shows) are in c4d.ideas.model; every write the page makes is in
c4d.ideas.commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from c4d.ideas.model import IdeaStatus, board_rows, visible
from c4d.models import Campaign, Session
from c4d.phones.model import LiveState, Showing
from c4d.worksheet import PStep, Progress, RoadshowStep, Status, register
from c4d.text import plural

if TYPE_CHECKING:
    from c4d.db.store import Store
    from c4d.report_writer import ReportWriter


def existing_states(store: "Store") -> dict[str, LiveState]:
    """Live states by session, without creating any (reading must not make join codes)."""
    return {state.session_id: state for state in store.live_states()}


class IdeasWorksheet:
    """Status of the idea board for a campaign:

    - not started: no idea received in any session (the board is optional, so it then
      suggests nothing);
    - in progress: ideas arrived but none is on a ballot yet, or the board is still
      open on the phones;
    - done: the board is closed and ideas were put on a ballot.
    """

    key = "ideas"
    title = "Idea board"
    p_step = PStep.analysis
    roadshow_step = RoadshowStep.ppcd
    page = "worksheets/ideas.py"
    icon = ":material/lightbulb:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        sessions = store.sessions(campaign.id)
        ideas = [i for s in sessions for i in store.ideas(s.id)]
        if not ideas:
            return Progress(Status.not_started, "No ideas collected yet.")
        states = existing_states(store)
        open_boards = [s for s in sessions if s.id in states and states[s.id].showing is Showing.ideas]
        promoted = [i for i in ideas if i.status is IdeaStatus.promoted]
        on_board = len(visible(ideas))
        detail = f"{plural(len(ideas), 'idea')} received, {on_board} on the board"
        detail += f", {len(promoted)} put on a ballot." if promoted else "."
        if open_boards:
            return Progress(Status.in_progress, detail,
                            f"Close the idea board of '{open_boards[0].title}' when the ideas stop coming.")
        if not promoted:
            return Progress(Status.in_progress, detail,
                            "Merge duplicate ideas and put the strongest ones on a ballot.")
        return Progress(Status.done, detail)

    def report_section(self, store: "Store", campaign: Campaign, session: Session, writer: "ReportWriter") -> bool:
        ideas = store.ideas(session.id)
        if not ideas:
            return False
        ballots = {b.id: b for b in store.ballots(session.id)}
        rows = board_rows(ideas, ballots)
        state = existing_states(store).get(session.id)
        prompt = state.idea_prompt if state else ""
        writer.heading("Idea board", 1)
        if prompt:
            writer.paragraph(f"Question put to the room: {prompt}")
        writer.paragraph(f"{plural(len(ideas), 'idea')} sent from phones; "
                         f"{len(rows)} after merging duplicates.")
        writer.table(["Idea", "Support", "What happened"], [[r["Idea"], r["Support"], r["Status"]] for r in rows],
                     widths_cm=[9.5, 2.0, 5.1])
        hidden = sum(1 for i in ideas if i.status is IdeaStatus.hidden)
        writer.note("Support counts the idea itself and the duplicates merged into it."
                    + (f" {hidden} off-topic idea{'s were' if hidden != 1 else ' was'} hidden." if hidden else ""))
        return True


register(IdeasWorksheet())
