"""Every write the voting pages make, each one function in one transaction.

Each command runs inside `store.transaction()`; the store calls it makes join that
transaction, so a command is all-or-nothing: opening a ballot and putting it on the
phones either both happen or neither does. Commands read what they change afresh inside
the transaction (by id), so two browser tabs cannot undo each other's step unseen. The
rules themselves are pure functions elsewhere (c4d.voting.lifecycle, c4d.voting.cards,
c4d.voting.results); a command only applies them and saves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from c4d.models import Decision, DecisionTopic, Participant, Session
from c4d.phones.model import CARD_CODE_LENGTH, LiveState, Showing, VoterCard, new_code
from c4d.voting import lifecycle
from c4d.voting.cards import cards_conflict
from c4d.voting.model import Ballot, BallotStatus, HandCount, Result, VotingError, VotingMethod
from c4d.voting.results import decision_from_result, tally
from c4d.voting.templates import starting_ballot, with_method

if TYPE_CHECKING:
    from c4d.db.store import Store


# ---- preparing a ballot ---------------------------------------------------------------------

def create_ballot(store: "Store", campaign_id: str, session_id: str, method: VotingMethod, *,
                  template: str | None = None, question: str = "", options: list[str] | None = None) -> Ballot:
    """Save a new draft ballot: from a template (its example options) or blank with a question
    and options, counted by `method` (see c4d.voting.templates.starting_ballot)."""
    ballot = starting_ballot(campaign_id, session_id, method, template=template, question=question,
                             options=options)
    with store.transaction():
        return store.save_ballot(ballot)


def change_ballot(store: "Store", ballot_id: str, **changes: object) -> Ballot:
    """Save changes to a ballot: anything while it is a draft, only the wording once voting
    has started (c4d.voting.lifecycle.edit_ballot)."""
    with store.transaction():
        return store.save_ballot(lifecycle.edit_ballot(store.ballot(ballot_id), **changes))


def change_method(store: "Store", ballot_id: str, method: VotingMethod) -> Ballot:
    """Count a draft ballot by another method, with that method's settings filled in where
    the ballot has none (c4d.voting.templates.with_method)."""
    with store.transaction():
        return store.save_ballot(with_method(store.ballot(ballot_id), method))


def set_hide_live_results(store: "Store", ballot_id: str, hidden: bool) -> Ballot:
    """Hide the live results on the projector while voting runs (or show them again)."""
    return change_ballot(store, ballot_id, hide_live_results=hidden)


def delete_ballot(store: "Store", ballot_id: str) -> None:
    """Delete a ballot with its votes and show of hands, taking it off the phones first if
    they show it. Decisions adopted from it stay."""
    with store.transaction():
        ballot = store.ballot(ballot_id)
        state = store.live_state(ballot.session_id)
        if state.showing is Showing.ballot and state.ballot_id == ballot.id:
            store.save_live_state(state.model_copy(update={"showing": Showing.wait}))
        store.delete_ballot(ballot.id)


# ---- what the phones show -------------------------------------------------------------------

def show_ballot(store: "Store", ballot: Ballot) -> tuple[LiveState, list[Ballot]]:
    """Put this ballot on the session's phones. Another ballot of the session that is
    still open is closed first (only one question is ever in front of the room); the
    closed ones are returned so the page can say so. Refused (VotingError) when the
    ballot's votes were cast the other way from what the phones ask now (cards_conflict)."""
    closed = []
    with store.transaction():
        problem = cards_conflict(store, ballot, store.live_state(ballot.session_id).cards_required)
        if problem:
            raise VotingError(problem)
        for other in store.ballots(ballot.session_id):
            if other.id != ballot.id and other.status is BallotStatus.open:
                closed.append(store.save_ballot(lifecycle.close_ballot(other)))
        state = store.live_state(ballot.session_id)
        state = store.save_live_state(state.model_copy(update={"showing": Showing.ballot, "ballot_id": ballot.id}))
    return state, closed


def show_nothing(store: "Store", session_id: str) -> LiveState:
    """Phones show 'please wait'."""
    with store.transaction():
        state = store.live_state(session_id)
        return store.save_live_state(state.model_copy(update={"showing": Showing.wait}))


def open_on_phones(store: "Store", ballot_id: str) -> tuple[Ballot, list[Ballot]]:
    """Open a draft ballot and put it on the session's phones, in one step (see show_ballot):
    the opened ballot, and the ballots closed to make way for it."""
    with store.transaction():
        opened = store.save_ballot(lifecycle.open_ballot(store.ballot(ballot_id)))
        _, closed = show_ballot(store, opened)
    return opened, closed


def reopen_on_phones(store: "Store", ballot_id: str) -> Ballot:
    """Reopen a closed ballot (its votes are kept, its results hidden again) and put it on
    the phones, in one step. Refused when voter cards are now required, or no longer
    required, against the way its votes were cast."""
    with store.transaction():
        reopened = store.save_ballot(lifecycle.reopen_ballot(store.ballot(ballot_id)))
        show_ballot(store, reopened)
    return reopened


def close_voting(store: "Store", ballot_id: str) -> Ballot:
    """Close an open ballot: votes arriving after this are refused."""
    with store.transaction():
        return store.save_ballot(lifecycle.close_ballot(store.ballot(ballot_id)))


def reveal(store: "Store", ballot_id: str) -> Ballot:
    """Show the results on the phones and the projector."""
    with store.transaction():
        return store.save_ballot(lifecycle.reveal_results(store.ballot(ballot_id)))


def hide_again(store: "Store", ballot_id: str) -> Ballot:
    """Hide revealed results again."""
    with store.transaction():
        return store.save_ballot(lifecycle.hide_results(store.ballot(ballot_id)))


# ---- after the count --------------------------------------------------------------------------

def create_runoff(store: "Store", ballot_id: str) -> Ballot:
    """Save a draft single-choice runoff among the options tied at the top of the ballot's
    count as it stands."""
    with store.transaction():
        ballot = store.ballot(ballot_id)
        counted = tally(store, ballot)
        if counted.result is None:
            raise VotingError(counted.problem or "There is no tie to settle: no votes were counted.")
        return store.save_ballot(lifecycle.runoff_ballot(ballot, counted.result))


def record_hand_count(store: "Store", ballot_id: str, counts: Mapping[str, int], *, people: int | None = None,
                      note: str = "") -> HandCount:
    """Save the counts of a show of hands (options with no hands left out) and mark the ballot
    as counted by show of hands, in one step."""
    with store.transaction():
        hands = store.save_hand_count(HandCount(ballot_id=ballot_id, counts={k: int(v) for k, v in counts.items() if v},
                                                people=people, note=note))
        ballot = store.ballot(ballot_id)
        if not ballot.show_of_hands:
            store.save_ballot(lifecycle.edit_ballot(ballot, show_of_hands=True))
    return hands


def remove_hand_count(store: "Store", ballot_id: str) -> None:
    with store.transaction():
        store.delete_hand_count(ballot_id)


def adopt(store: "Store", ballot: Ballot, result: Result, choice_ids: list[str] | None = None, *,
          rationale: str = "", eligible_count: int | None = None,
          topic: DecisionTopic | None = None) -> Decision:
    """Record the result as the campaign's decision (with method, turnout, eligible voters,
    breakdown and session); the decision names the ballot it came from
    (`Decision.ballot_id`). Refused while the ballot is open (checked afresh: another tab
    may have reopened it), so the count is final."""
    with store.transaction():
        if store.ballot(ballot.id).status is BallotStatus.open:
            raise ValueError("Close the ballot before adopting its result, so the count is final.")
        if topic is not None and topic is not ballot.topic:
            ballot = ballot.model_copy(update={"topic": topic})
        decision = decision_from_result(ballot, result, choice_ids, rationale=rationale, eligible=eligible_count)
        if decision.eligible is not None and decision.turnout is not None and decision.turnout > decision.eligible:
            decision = decision.model_copy(update={"eligible": None})  # walk-ins voted: the register is short
        return store.add_decision(decision)


# ---- voter cards ------------------------------------------------------------------------------

def make_cards(store: "Store", session: Session, participants: list[Participant], spares: int = 0) -> list[VoterCard]:
    """One card for each registered participant who has none yet, plus `spares` cards not
    tied to anyone (for people who arrive late). Codes are unique in the session."""
    with store.transaction():
        existing = store.cards(session.id)
        taken = {c.code for c in existing}
        has_card = {c.participant_id for c in existing if c.participant_id}

        def fresh() -> str:
            code = new_code(CARD_CODE_LENGTH)
            while code in taken:
                code = new_code(CARD_CODE_LENGTH)
            taken.add(code)
            return code

        cards = [VoterCard(session_id=session.id, code=fresh(), participant_id=p.id)
                 for p in participants if p.id not in has_card]
        cards += [VoterCard(session_id=session.id, code=fresh()) for _ in range(max(0, spares))]
        return store.add_cards(cards) if cards else []


def set_cards_required(store: "Store", session_id: str, required: bool) -> LiveState:
    """Require voter cards on the session's phones, or stop requiring them. Refused
    (VotingError) while the open ballot on the phones has votes cast the other way."""
    with store.transaction():
        state = store.live_state(session_id)
        if state.showing is Showing.ballot and state.ballot_id:
            shown = next((b for b in store.ballots(session_id) if b.id == state.ballot_id), None)
            if shown is not None and shown.status is BallotStatus.open:
                problem = cards_conflict(store, shown, required)
                if problem:
                    raise VotingError(problem)
        return store.save_live_state(state.model_copy(update={"cards_required": required}))
