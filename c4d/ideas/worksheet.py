"""The idea board as a worksheet: the facilitator's actions on it and its report section.

Participants send short ideas from their phones in answer to a prompt ("Which groups
are most at risk?"). The facilitator opens and closes the board (`show_ideas`), merges
duplicates (`merge_ideas`), corrects wording (`reword`), hides off-topic ideas
(`hide`/`restore`) and puts the strongest ideas on a ballot in one step
(`ideas_to_ballot`), either an existing draft or a new one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from c4d.ideas.model import IDEA_MAX, Idea, IdeaStatus, merge, promote, support, visible
from c4d.models import Campaign, Session
from c4d.phones.model import LiveState, Showing
from c4d.voting.model import Ballot, BallotStatus, VotingError, VotingMethod
from c4d.worksheet import PStep, Progress, RoadshowStep, Status, register

if TYPE_CHECKING:
    from c4d.report_writer import ReportWriter
    from c4d.db.store import Store

PROMPT_EXAMPLES = (
    "Which groups are most at risk of trafficking here?",
    "Where do people first hear about jobs in the city or abroad?",
    "Which media does the target group use every day?",
)


def existing_states(store: "Store") -> dict[str, LiveState]:
    """Live states by session, without creating any (reading must not make join codes)."""
    return {state.session_id: state for state in store.live_states()}


def show_ideas(store: "Store", session_id: str, prompt: str | None = None) -> LiveState:
    """Put the idea board on the session's phones (the ballot shown before, if any, stays
    as it is but is no longer on the phones)."""
    state = store.live_state(session_id)
    changes: dict = {"showing": Showing.ideas}
    if prompt is not None:
        changes["idea_prompt"] = prompt
    if not (changes.get("idea_prompt", state.idea_prompt) or "").strip():
        raise ValueError("Write the question for the idea board first, e.g. "
                         f"'{PROMPT_EXAMPLES[0]}'")
    return store.save_live_state(LiveState.model_validate(state.model_dump() | changes))


def set_prompt(store: "Store", session_id: str, prompt: str) -> LiveState:
    state = store.live_state(session_id)
    return store.save_live_state(LiveState.model_validate(state.model_dump() | {"idea_prompt": prompt}))


def close_board(store: "Store", session_id: str) -> LiveState:
    state = store.live_state(session_id)
    if state.showing is not Showing.ideas:
        return state
    return store.save_live_state(state.model_copy(update={"showing": Showing.wait}))


def board_rows(ideas: list[Idea], ballots: dict[str, Ballot] | None = None) -> list[dict]:
    """The board as the facilitator sees it: most supported first, then oldest first."""
    counts = support(ideas)
    ballots = ballots or {}
    rows = []
    for idea in sorted(visible(ideas), key=lambda i: (-counts.get(i.id, 1), i.created_at, i.id)):
        where = ""
        if idea.status is IdeaStatus.promoted:
            ballot = ballots.get(idea.ballot_id or "")
            where = f"On the ballot '{ballot.question}'" if ballot else "Put on a ballot"
        rows.append({"id": idea.id, "Idea": idea.text, "Support": counts.get(idea.id, 1),
                     "Status": where or "On the board"})
    return rows


def merge_ideas(store: "Store", keep: Idea, others: list[Idea]) -> int:
    """Fold duplicates into `keep`; their supporters count for it. Returns how many merged."""
    others = [o for o in others if o.id != keep.id]
    if not others:
        return 0
    changed = merge(store.ideas(keep.session_id), keep, others)
    store.save_ideas(changed)
    return len(others)


def reword(store: "Store", idea: Idea, text: str) -> Idea:
    """Save a new wording. It must fit on a ballot as an option (`IDEA_MAX` characters),
    so that putting the idea on a ballot later cannot fail on its length."""
    updated = Idea.model_validate(idea.model_dump() | {"text": text})
    if len(updated.text) > IDEA_MAX:
        raise ValueError(f"The wording is {len(updated.text)} characters long; keep it to {IDEA_MAX}, "
                         "the longest a ballot option can be.")
    return store.save_idea(updated)


def hide(store: "Store", idea: Idea) -> Idea:
    return store.save_idea(idea.model_copy(update={"status": IdeaStatus.hidden}))


def restore(store: "Store", idea: Idea) -> Idea:
    return store.save_idea(idea.model_copy(update={"status": IdeaStatus.new}))


def ideas_to_ballot(store: "Store", chosen: list[Idea], ballot: Ballot | None = None, *,
                    campaign_id: str = "", session_id: str = "", question: str = "",
                    method: VotingMethod = VotingMethod.single) -> Ballot:
    """Put the chosen ideas on a draft ballot as options, in one step: an existing draft
    (ideas already on it are not added twice) or a new draft ballot with `question`."""
    if not chosen:
        raise VotingError("Choose at least one idea to put on the ballot.")
    if ballot is None:
        ballot = Ballot(campaign_id=campaign_id, session_id=session_id, question=question, method=method)
        if method is VotingMethod.multiple:
            ballot = ballot.model_copy(update={"max_choices": 2})
        elif method is VotingMethod.dots:
            ballot = ballot.model_copy(update={"dots": 3})
    if ballot.status is not BallotStatus.draft:
        raise VotingError("Ideas can only be added to a ballot that is still a draft.")
    all_ideas = store.ideas(chosen[0].session_id)
    updated, changed = promote(all_ideas, chosen, ballot)
    with store.transaction():
        store.save_ballot(updated)
        store.save_ideas(changed)
    return updated


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
        detail = f"{len(ideas)} idea{'s' if len(ideas) != 1 else ''} received, {on_board} on the board"
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
        writer.paragraph(f"{len(ideas)} idea{'s' if len(ideas) != 1 else ''} sent from phones; "
                         f"{len(rows)} after merging duplicates.")
        writer.table(["Idea", "Support", "What happened"], [[r["Idea"], r["Support"], r["Status"]] for r in rows],
                     widths_cm=[9.5, 2.0, 5.1])
        hidden = sum(1 for i in ideas if i.status is IdeaStatus.hidden)
        writer.note("Support counts the idea itself and the duplicates merged into it."
                    + (f" {hidden} off-topic idea{'s were' if hidden != 1 else ' was'} hidden." if hidden else ""))
        return True


register(IdeasWorksheet())
