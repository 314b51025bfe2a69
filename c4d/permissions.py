"""Who may do what, in one place, as pure functions.

The people who reach the toolkit, and what they hold:

- the facilitator on this laptop: its own browser, a loopback address (`Actor.laptop`);
- a facilitator on another device, signed in with the passcode (`Actor.signed_in`);
  their sign-in lasts until the passcode changes;
- any other device on the Wi-Fi that has not signed in (`Actor.other_device`);
- a participant's phone with its signed device cookie (`Actor.phone`): one standing
  vote per ballot, ideas, pre-test answers, the results once they are revealed;
- a phone whose participant typed the code of a printed voter card (`Actor.card`):
  one standing vote per card (formal votes) or per register entry;
- a creative partner with a share link (`Actor.partner`): the latest exported version
  of one campaign's brief, read-only, and nothing else.

Each function takes plain values (who is asking, what they hold, the state things are
in) and returns a `Decision`: allowed, or refused with a reason. Nothing here reads the
store, the clock or the network; the callers look things up and act on the decision.
Refusals are made once, at import (the phone pages ask on every vote).

A refusal's `reason` is a short name; on a phone it is also the key of the phrase that
says it in the phone's language (`c4d.phones.phrases`). Its `message` says it in full,
in English, in the words of the person refused.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import Enum

from c4d.phones.phrases import ENGLISH


class Actor(str, Enum):
    laptop = "the facilitator on this laptop"
    signed_in = "a facilitator signed in on another device"
    other_device = "another device, not signed in"
    phone = "a phone"
    card = "a phone with a voter card"
    partner = "a creative partner with a share link"


@dataclass(frozen=True, slots=True)
class Decision:
    """Allowed, or refused with a `reason` (a short name) and a `message` (the refusal in
    full). True when allowed, so `if not decision:` reads as "if refused"."""

    allowed: bool
    reason: str = ""
    message: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def _refused(reason: str, message: str) -> Decision:
    return Decision(False, reason, message)


def _phone_refusal(key: str) -> Decision:
    """A refusal shown on a phone: its reason is the phrase key, its message the English phrase."""
    return _refused(key, ENGLISH[key])


# ---- facilitator pages ------------------------------------------------------------------

SET_PASSCODE = "set_passcode"
NOT_READY = "not_ready"
SIGN_IN = "sign_in"

_SET_PASSCODE = _refused(SET_PASSCODE, "Set a facilitator passcode first; this laptop's own browser then stays "
                                       "signed in, every other device must type it.")
_NOT_READY = _refused(NOT_READY, "The facilitator has not finished setting up the toolkit on the laptop. "
                                 "Ask the facilitator for the page you should open.")
_SIGN_IN = _refused(SIGN_IN, "This page is for the workshop's facilitators: type the facilitator passcode. "
                             "Participants: use the link or QR code on the projector.")


def is_this_laptop(address: str | None) -> bool:
    """True for the laptop's own browser: a loopback address. (Streamlit reports None for
    loopback; any other text that is not an IP address is not the laptop.)"""
    if address is None:
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def who_is_asking(address: str | None, held_sign_in: object, passcode_hash: object) -> Actor:
    """Who opens a facilitator page: the laptop itself (by its address), a device holding
    a sign-in made against the passcode as it is now (`held_sign_in` is the passcode hash
    it was checked against: changing the passcode signs every other device out), or any
    other device."""
    if is_this_laptop(address):
        return Actor.laptop
    if passcode_hash and held_sign_in == passcode_hash:
        return Actor.signed_in
    return Actor.other_device


def open_facilitator_pages(actor: Actor, *, passcode_set: bool) -> Decision:
    """The facilitator pages (campaigns, worksheets, projector, settings). Before any
    passcode is set only the laptop gets in, to set one; then the laptop and the devices
    signed in with it."""
    if not passcode_set:
        return _SET_PASSCODE if actor is Actor.laptop else _NOT_READY
    if actor is Actor.laptop or actor is Actor.signed_in:
        return ALLOWED
    return _SIGN_IN


def new_phones_limited(address: str) -> bool:
    """Whether the phones arriving new from this address (a browser with no device
    cookie) are counted against the per-address limit: every address but the laptop's."""
    return not is_this_laptop(address)


# ---- phones: ballots and voter cards ------------------------------------------------------

_VOTE_MOVED_ON = _phone_refusal("vote_moved_on")
_VOTE_CLOSED = _phone_refusal("vote_not_counted")
_CARD_MISSING = _phone_refusal("card_missing")
_CARD_UNKNOWN = _phone_refusal("card_unknown")
_CARD_USED = _phone_refusal("card_used")
_IDEAS_CLOSED = _phone_refusal("ideas_closed")
_PRETEST_CLOSED = _phone_refusal("pretest_closed")
RESULTS_HIDDEN = "results_hidden"
_RESULTS_HIDDEN = _refused(RESULTS_HIDDEN, "The facilitator has not revealed the results yet.")


def vote_on(ballot_sent: str, ballot_showing: str | None, showing_open: bool) -> Decision:
    """A vote sent for `ballot_sent`, while the phones show `ballot_showing` (None:
    no ballot), open or not. Only the ballot on the phones, while it is open, takes
    votes; a vote for any other is not counted (the phone's earlier vote stands)."""
    if ballot_showing is None or ballot_showing != ballot_sent:
        return _VOTE_MOVED_ON
    return ALLOWED if showing_open else _VOTE_CLOSED


def vote_with(actor: Actor, *, cards_required: bool, card_known: bool = False,
              counted_on_another_phone: bool = False) -> Decision:
    """A vote from a phone (`Actor.phone`) or with a voter card typed on it (`Actor.card`).

    - Cards required (a formal vote): only a known card votes, once per card whichever
      phone sends it; its vote replaces one its participant sent from a phone before
      cards were required.
    - Cards optional: a phone votes once; a card typed with it only names the register
      entry, and a card whose participant already voted from another phone is refused
      (one person, one vote)."""
    if actor is Actor.card:
        if not card_known:
            return _CARD_UNKNOWN
        if counted_on_another_phone and not cards_required:
            return _CARD_USED
        return ALLOWED
    return _CARD_MISSING if cards_required else ALLOWED


def cards_switch(cards_required: bool, *, question: str, card_votes: int, anonymous_phone_votes: int) -> Decision:
    """Open a ballot to phones with voter cards required (or not) when it already holds
    `card_votes` card votes and `anonymous_phone_votes` votes from phones that named no
    register entry: refused when those were cast the other way, since mixing the two
    would let one person count twice (a phone's anonymous vote cannot be told apart from
    its owner's card vote). A phone's vote that carries a card's register entry is that
    person's, and their card vote replaces it: those are not in the way."""
    if cards_required and anonymous_phone_votes:
        n = anonymous_phone_votes
        return _refused(
            "phones_voted_without_cards",
            f"{n} {'phone has' if n == 1 else 'phones have'} already voted on '{question}' without a card, "
            "and a card vote cannot replace a phone's vote. For a formal vote, create a new ballot (or a runoff) "
            "and require cards before opening it; or leave cards optional for this one.")
    if not cards_required and card_votes:
        n = card_votes
        return _refused(
            "cards_voted",
            f"{n} card {'vote is' if n == 1 else 'votes are'} already counted on '{question}'; without cards, "
            "the same people could vote again from a phone. Keep cards required until this ballot is closed.")
    return ALLOWED


def see_results(*, revealed: bool, draft: bool) -> Decision:
    """A ballot's results on the phones: once the facilitator reveals them (a draft has none)."""
    return ALLOWED if revealed and not draft else _RESULTS_HIDDEN


# ---- phones: ideas and pre-test answers -----------------------------------------------------

def send_idea(*, ideas_showing: bool) -> Decision:
    """An idea from a phone: while the idea board is on the phones."""
    return ALLOWED if ideas_showing else _IDEAS_CLOSED


def score_material(material_sent: str, material_showing: str | None) -> Decision:
    """Pre-test answers about `material_sent`: while that material is being scored on the phones."""
    return ALLOWED if material_showing is not None and material_showing == material_sent else _PRETEST_CLOSED


# ---- creative partners ------------------------------------------------------------------------

LINK_NOT_WORKING = "link_not_working"
_LINK_NOT_WORKING = _refused(LINK_NOT_WORKING, "This link does not work. The link may have been typed incompletely, "
                                               "or the facilitator has withdrawn it. Ask the campaign's facilitator "
                                               "for a new link.")


def read_shared_brief(*, link_active: bool, campaign_exists: bool, has_version: bool) -> Decision:
    """A share link opens the latest exported version of its campaign's brief, while the
    link is not withdrawn and both still exist. Every refusal is the same, so nothing says
    whether a token ever existed."""
    return ALLOWED if link_active and campaign_exists and has_version else _LINK_NOT_WORKING
