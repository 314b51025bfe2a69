"""Who may do what (c4d.permissions), as one table: actor × action × state → allowed, or
refused with which reason. The routes, the voter-card rules and the share links act on
these decisions; their own tests drive the same rules through the real pages."""

from __future__ import annotations

import pytest

from c4d import permissions
from c4d.permissions import Actor
from c4d.phones.phrases import ENGLISH

ALLOWED = None  # the expected reason of an allowed case

LAPTOP, SIGNED_IN, OTHER, PHONE, CARD, PARTNER = (Actor.laptop, Actor.signed_in, Actor.other_device,
                                                   Actor.phone, Actor.card, Actor.partner)

# action → how it is asked (actions whose function does not take the actor are about what
# the actor sends or holds; the actor column then says who does it)
ACTIONS = {
    "open facilitator pages": lambda actor, **state: permissions.open_facilitator_pages(actor, **state),
    "vote on a ballot": lambda actor, **state: permissions.vote_on(**state),
    "vote with what it holds": lambda actor, **state: permissions.vote_with(actor, **state),
    "see the results": lambda actor, **state: permissions.see_results(**state),
    "send an idea": lambda actor, **state: permissions.send_idea(**state),
    "score a material": lambda actor, **state: permissions.score_material(**state),
    "show a ballot with cards required or not": lambda actor, **state: permissions.cards_switch(**state),
    "read the shared brief": lambda actor, **state: permissions.read_shared_brief(**state),
}

SHARE_OK = {"link_active": True, "campaign_exists": True, "has_version": True}
ASK = "Which channel?"

CASES = [
    # ---- facilitator pages
    (LAPTOP, "open facilitator pages", {"passcode_set": True}, ALLOWED),
    (LAPTOP, "open facilitator pages", {"passcode_set": False}, permissions.SET_PASSCODE),
    (SIGNED_IN, "open facilitator pages", {"passcode_set": True}, ALLOWED),
    (SIGNED_IN, "open facilitator pages", {"passcode_set": False}, permissions.NOT_READY),
    (OTHER, "open facilitator pages", {"passcode_set": True}, permissions.SIGN_IN),
    (OTHER, "open facilitator pages", {"passcode_set": False}, permissions.NOT_READY),
    (PHONE, "open facilitator pages", {"passcode_set": True}, permissions.SIGN_IN),
    (CARD, "open facilitator pages", {"passcode_set": True}, permissions.SIGN_IN),
    (PARTNER, "open facilitator pages", {"passcode_set": True}, permissions.SIGN_IN),
    (PARTNER, "open facilitator pages", {"passcode_set": False}, permissions.NOT_READY),
    # ---- a vote for the ballot on the phones, open or not
    (PHONE, "vote on a ballot", {"ballot_sent": "b1", "ballot_showing": "b1", "showing_open": True}, ALLOWED),
    (PHONE, "vote on a ballot", {"ballot_sent": "b1", "ballot_showing": "b1", "showing_open": False},
     "vote_not_counted"),
    (PHONE, "vote on a ballot", {"ballot_sent": "b1", "ballot_showing": "b2", "showing_open": True},
     "vote_moved_on"),
    (PHONE, "vote on a ballot", {"ballot_sent": "b1", "ballot_showing": None, "showing_open": False},
     "vote_moved_on"),
    (CARD, "vote on a ballot", {"ballot_sent": "b1", "ballot_showing": "b2", "showing_open": False},
     "vote_moved_on"),
    # ---- one vote per phone, per card, per register entry
    (PHONE, "vote with what it holds", {"cards_required": False}, ALLOWED),
    (PHONE, "vote with what it holds", {"cards_required": True}, "card_missing"),
    (CARD, "vote with what it holds", {"cards_required": True, "card_known": True}, ALLOWED),
    (CARD, "vote with what it holds", {"cards_required": False, "card_known": True}, ALLOWED),
    (CARD, "vote with what it holds", {"cards_required": True, "card_known": False}, "card_unknown"),
    (CARD, "vote with what it holds", {"cards_required": False, "card_known": False}, "card_unknown"),
    # a card typed on a second phone, cards optional: that person already voted
    (CARD, "vote with what it holds",
     {"cards_required": False, "card_known": True, "counted_on_another_phone": True}, "card_used"),
    # a formal vote replaces the vote its participant sent from a phone before cards were required
    (CARD, "vote with what it holds",
     {"cards_required": True, "card_known": True, "counted_on_another_phone": True}, ALLOWED),
    (CARD, "vote with what it holds",
     {"cards_required": True, "card_known": False, "counted_on_another_phone": True}, "card_unknown"),
    # ---- results on the phones
    (PHONE, "see the results", {"revealed": True, "draft": False}, ALLOWED),
    (PHONE, "see the results", {"revealed": False, "draft": False}, permissions.RESULTS_HIDDEN),
    (PHONE, "see the results", {"revealed": True, "draft": True}, permissions.RESULTS_HIDDEN),
    # ---- ideas and pre-test answers
    (PHONE, "send an idea", {"ideas_showing": True}, ALLOWED),
    (PHONE, "send an idea", {"ideas_showing": False}, "ideas_closed"),
    (PHONE, "score a material", {"material_sent": "m1", "material_showing": "m1"}, ALLOWED),
    (PHONE, "score a material", {"material_sent": "m1", "material_showing": "m2"}, "pretest_closed"),
    (PHONE, "score a material", {"material_sent": "m1", "material_showing": None}, "pretest_closed"),
    # ---- voter cards required or not, against the votes a ballot already holds
    (LAPTOP, "show a ballot with cards required or not",
     {"cards_required": True, "question": ASK, "card_votes": 0, "anonymous_phone_votes": 0}, ALLOWED),
    (LAPTOP, "show a ballot with cards required or not",
     {"cards_required": False, "question": ASK, "card_votes": 0, "anonymous_phone_votes": 3}, ALLOWED),
    (LAPTOP, "show a ballot with cards required or not",
     {"cards_required": True, "question": ASK, "card_votes": 4, "anonymous_phone_votes": 0}, ALLOWED),
    (SIGNED_IN, "show a ballot with cards required or not",
     {"cards_required": True, "question": ASK, "card_votes": 0, "anonymous_phone_votes": 1},
     "phones_voted_without_cards"),
    (SIGNED_IN, "show a ballot with cards required or not",
     {"cards_required": False, "question": ASK, "card_votes": 2, "anonymous_phone_votes": 0}, "cards_voted"),
    # ---- a creative partner's share link
    (PARTNER, "read the shared brief", SHARE_OK, ALLOWED),
    (PARTNER, "read the shared brief", {**SHARE_OK, "link_active": False}, permissions.LINK_NOT_WORKING),
    (PARTNER, "read the shared brief", {**SHARE_OK, "campaign_exists": False}, permissions.LINK_NOT_WORKING),
    (PARTNER, "read the shared brief", {**SHARE_OK, "has_version": False}, permissions.LINK_NOT_WORKING),
]


def _case_id(case) -> str:
    actor, action, state, expected = case
    held = ",".join(f"{k}={v}" for k, v in state.items() if k != "question")
    return f"{actor.name}-{action.replace(' ', '_')}-{held}-{expected or 'allowed'}"


@pytest.mark.parametrize("actor, action, state, expected", CASES, ids=[_case_id(c) for c in CASES])
def test_who_may_do_what(actor, action, state, expected):
    decision = ACTIONS[action](actor, **state)
    if expected is ALLOWED:
        assert decision.allowed and bool(decision) and decision.reason == "" and decision.message == ""
    else:
        assert not decision.allowed and not decision, decision
        assert decision.reason == expected
        assert decision.message  # always said in full
        if expected in ENGLISH:  # said on a phone: in the phone's language, English here
            assert decision.message == ENGLISH[expected]


def test_the_table_asks_every_action_and_every_actor():
    assert {case[1] for case in CASES} == set(ACTIONS)
    assert {case[0] for case in CASES} == set(Actor)


def test_a_refusal_about_cards_names_the_votes_and_the_question():
    refused = permissions.cards_switch(True, question=ASK, card_votes=0, anonymous_phone_votes=1)
    assert refused.message.startswith(f"1 phone has already voted on '{ASK}' without a card")
    refused = permissions.cards_switch(True, question=ASK, card_votes=0, anonymous_phone_votes=5)
    assert refused.message.startswith("5 phones have already voted")
    refused = permissions.cards_switch(False, question=ASK, card_votes=1, anonymous_phone_votes=0)
    assert refused.message.startswith(f"1 card vote is already counted on '{ASK}'")
    refused = permissions.cards_switch(False, question=ASK, card_votes=2, anonymous_phone_votes=7)
    assert refused.message.startswith("2 card votes are already counted")


# ---- who is asking ---------------------------------------------------------------------------

HASH = "scrypt$16384$8$1$00$11"


@pytest.mark.parametrize("address, held, passcode_hash, actor", [
    # the laptop's own browser (Streamlit reports None for loopback), signed in or not
    (None, None, HASH, LAPTOP),
    ("127.0.0.1", None, HASH, LAPTOP),
    ("127.8.9.10", None, None, LAPTOP),
    ("::1", "an old hash", HASH, LAPTOP),
    # another device: signed in while it holds the passcode's current hash
    ("192.168.1.23", HASH, HASH, SIGNED_IN),
    ("192.168.1.23", "an old hash", HASH, OTHER),  # the passcode changed since: signed out
    ("192.168.1.23", None, HASH, OTHER),
    ("192.168.1.23", None, None, OTHER),  # no passcode yet: nothing to hold
    ("192.168.1.23", "", "", OTHER),
    ("10.0.0.5", None, HASH, OTHER),
    ("172.20.1.1", None, HASH, OTHER),
    ("fe80::1", None, HASH, OTHER),
    ("2001:db8::7", None, HASH, OTHER),
    ("", None, HASH, OTHER),
    ("not an address", None, HASH, OTHER),
    ("127.0.0.1.example", None, HASH, OTHER),
])
def test_who_is_asking(address, held, passcode_hash, actor):
    assert permissions.who_is_asking(address, held, passcode_hash) is actor
    assert permissions.is_this_laptop(address) is (actor is LAPTOP)


@pytest.mark.parametrize("address, limited", [
    ("127.0.0.1", False), ("::1", False),
    ("192.168.1.23", True), ("unknown", True), ("", True),
])
def test_only_the_laptop_arrives_new_without_a_limit(address, limited):
    assert permissions.new_phones_limited(address) is limited
