"""Every write the idea board's page makes, each one function in one transaction.

Participants send short ideas from their phones in answer to a prompt ("Which groups
are most at risk?"). The facilitator opens and closes the board (`show_ideas`,
`close_board`), merges duplicates (`merge_ideas`), corrects wording (`reword`), hides
off-topic ideas (`hide`/`restore`) and puts the strongest ideas on a ballot in one step
(`ideas_to_ballot`), either an existing draft or a new one. Each command runs inside
`store.transaction()`, which the store calls in it join: all of it is saved, or nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from c4d.ideas.model import IDEA_MAX, PROMPT_EXAMPLES, Idea, IdeaStatus, merge, promote
from c4d.phones.model import LiveState, Showing
from c4d.voting.model import Ballot, BallotStatus, VotingError, VotingMethod

if TYPE_CHECKING:
    from c4d.db.store import Store


# ---- the board on the phones ------------------------------------------------------------------

def show_ideas(store: "Store", session_id: str, prompt: str | None = None) -> LiveState:
    """Put the idea board on the session's phones (the ballot shown before, if any, stays
    as it is but is no longer on the phones)."""
    with store.transaction():
        state = store.live_state(session_id)
        changes: dict = {"showing": Showing.ideas}
        if prompt is not None:
            changes["idea_prompt"] = prompt
        if not (changes.get("idea_prompt", state.idea_prompt) or "").strip():
            raise ValueError("Write the question for the idea board first, e.g. "
                             f"'{PROMPT_EXAMPLES[0]}'")
        return store.save_live_state(LiveState.model_validate(state.model_dump() | changes))


def set_prompt(store: "Store", session_id: str, prompt: str) -> LiveState:
    with store.transaction():
        state = store.live_state(session_id)
        return store.save_live_state(LiveState.model_validate(state.model_dump() | {"idea_prompt": prompt}))


def close_board(store: "Store", session_id: str) -> LiveState:
    with store.transaction():
        state = store.live_state(session_id)
        if state.showing is not Showing.ideas:
            return state
        return store.save_live_state(state.model_copy(update={"showing": Showing.wait}))


# ---- ideas the facilitator types (said aloud, on cards) ------------------------------------------

FROM_THE_ROOM = "facilitator"  # the voter key of ideas typed on the facilitator's page


def add_idea(store: "Store", campaign_id: str, session_id: str, text: str) -> Idea:
    """An idea from the room, typed by the facilitator: on the board like a phone's, short
    enough for a ballot. Raises ValueError in the facilitator's terms, with nothing saved."""
    text = " ".join((text or "").split())
    if not text:
        raise ValueError("type the idea first")
    if len(text) > IDEA_MAX:
        raise ValueError(f"the idea is {len(text)} characters long; an option on a ballot can have at most "
                         f"{IDEA_MAX}")
    with store.transaction():
        return store.save_idea(Idea(campaign_id=campaign_id, session_id=session_id, text=text,
                                    voter_key=FROM_THE_ROOM))


# ---- tidying ideas ------------------------------------------------------------------------------

def merge_ideas(store: "Store", keep: Idea, others: list[Idea]) -> int:
    """Fold duplicates into `keep`; their supporters count for it. Returns how many merged."""
    others = [o for o in others if o.id != keep.id]
    if not others:
        return 0
    with store.transaction():
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
    with store.transaction():
        return store.save_idea(updated)


def hide(store: "Store", idea: Idea) -> Idea:
    """Take an off-topic idea off the board; it stays in the record."""
    with store.transaction():
        return store.save_idea(idea.model_copy(update={"status": IdeaStatus.hidden}))


def restore(store: "Store", idea: Idea) -> Idea:
    with store.transaction():
        return store.save_idea(idea.model_copy(update={"status": IdeaStatus.new}))


# ---- onto a ballot ------------------------------------------------------------------------------

def ideas_to_ballot(store: "Store", chosen: list[Idea], ballot: Ballot | None = None, *,
                    campaign_id: str = "", session_id: str = "", question: str = "",
                    method: VotingMethod = VotingMethod.single) -> Ballot:
    """Put the chosen ideas on a draft ballot as options, in one step: an existing draft
    (ideas already on it are not added twice; read afresh, so a ballot opened meanwhile in
    another tab is refused) or a new draft ballot with `question`."""
    if not chosen:
        raise VotingError("Choose at least one idea to put on the ballot.")
    with store.transaction():
        if ballot is None:
            ballot = Ballot(campaign_id=campaign_id, session_id=session_id, question=question, method=method)
            if method is VotingMethod.multiple:
                ballot = ballot.model_copy(update={"max_choices": 2})
            elif method is VotingMethod.dots:
                ballot = ballot.model_copy(update={"dots": 3})
        else:
            ballot = store.ballot(ballot.id)  # as saved now: another tab may have opened it
        if ballot.status is not BallotStatus.draft:
            raise VotingError("Ideas can only be added to a ballot that is still a draft.")
        updated, changed = promote(store.ideas(chosen[0].session_id), chosen, ballot)
        store.save_ballot(updated)
        store.save_ideas(changed)
    return updated
