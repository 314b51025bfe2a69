"""The idea board's rules (c4d/ideas.py, c4d/ideas_worksheet.py): every idea a phone may
send fits on a ballot, ideas stored longer are shortened before promotion, likely
duplicates ignore case, spacing and punctuation, and the board counts what it shows."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from c4d.ideas.model import (
    IDEA_MAX,
    STORED_IDEA_MAX,
    Idea,
    IdeaStatus,
    idea_key,
    likely_duplicates,
    on_board_count,
    promote,
    too_long_for_ballot,
)
from c4d.ideas.commands import ideas_to_ballot, reword
from c4d.models import Campaign, Session, SessionKind
from c4d.voting.model import Ballot, BallotOption, VotingError

LONG_252 = ("Young women aged 18 to 27 from rural soums who move to Ulaanbaatar or Darkhan for seasonal "
            "work in restaurants, karaoke bars and hotels, and who are offered jobs abroad by people they "
            "met online or through friends of friends, without any written contract")[:252]


def idea(text: str, n: int = 0, **extra) -> Idea:
    return Idea(id=f"i{n}", campaign_id="c", session_id="s", text=text, voter_key=f"device:{n}", **extra)


def draft() -> Ballot:
    return Ballot(campaign_id="c", session_id="s", question="Who first?")


@pytest.fixture
def board(store):
    campaign = store.create_campaign(Campaign(name="Safe Journeys"))
    session = store.add_session(Session(campaign_id=campaign.id, kind=SessionKind.ppcd, title="PPCD Darkhan",
                                        start_date=date(2020, 6, 18), end_date=date(2020, 6, 19)))
    return store, campaign, session


# ---- 1. an idea a phone may send always fits on a ballot ------------------------------------------
def test_the_phone_limit_is_the_longest_label_a_ballot_option_accepts():
    assert len(LONG_252) == 252
    BallotOption(label="x" * IDEA_MAX)  # fits
    with pytest.raises(ValidationError):
        BallotOption(label="x" * (IDEA_MAX + 1))


def test_an_idea_of_the_longest_length_a_phone_accepts_goes_on_a_ballot():
    longest = idea(("Young women from rural soums " * 10)[:IDEA_MAX - 1] + "s")
    assert len(longest.text) == IDEA_MAX
    updated, changed = promote([longest], [longest], draft())
    assert [o.label for o in updated.options] == [longest.text]
    assert changed[0].status is IdeaStatus.promoted


ANY_CHARACTER = st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"])


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, STORED_IDEA_MAX).flatmap(lambda n: st.text(ANY_CHARACTER, min_size=n, max_size=n)))
def test_promotion_never_fails_on_length_after_the_fact(text):
    """Within the phone limit an idea goes on the ballot; beyond it (ideas stored when
    phones allowed more), promotion is refused up front with the limit named, never with
    the ballot's own validation error."""
    try:
        sent = idea(text)
    except ValidationError:
        return  # blank after cleaning: a phone cannot send it
    if len(sent.text) <= IDEA_MAX:
        updated, _ = promote([sent], [sent], draft())
        assert updated.options[0].label == sent.text
    else:
        assert too_long_for_ballot(sent)
        with pytest.raises(VotingError, match=f"at most {IDEA_MAX} characters"):
            promote([sent], [sent], draft())


def test_an_idea_stored_before_the_limit_changed_is_read_back_and_must_be_shortened_first(board):
    store, campaign, session = board
    old = store.save_idea(Idea(campaign_id=campaign.id, session_id=session.id, text=LONG_252, voter_key="device:1"))
    [read] = store.ideas(session.id)  # still readable
    assert read.text == LONG_252 and too_long_for_ballot(read)

    with pytest.raises(VotingError) as refused:
        ideas_to_ballot(store, [read], campaign_id=campaign.id, session_id=session.id, question="Who first?")
    assert "252 characters" in str(refused.value) and f"at most {IDEA_MAX} characters" in str(refused.value)
    assert "label" not in str(refused.value)  # the facilitator's words, not the model's
    assert store.ballots(session.id) == [] and store.ideas(session.id)[0].status is IdeaStatus.new

    with pytest.raises(ValueError, match=f"252 characters long; keep it to {IDEA_MAX}"):
        reword(store, old, LONG_252)
    short = reword(store, old, "Young women 18–27 from rural soums offered jobs abroad without a contract")
    ballot = ideas_to_ballot(store, [short], campaign_id=campaign.id, session_id=session.id, question="Who first?")
    assert [o.label for o in ballot.options] == [short.text]


# ---- 3. likely duplicates ----------------------------------------------------------------------------
def test_punctuation_case_and_spacing_do_not_hide_a_duplicate():
    ideas = [idea("Young women from Rural areas!", 1), idea("young women from rural areas", 2),
             idea("Students", 3)]
    assert [[i.text for i in g] for g in likely_duplicates(ideas)] == [
        ["Young women from Rural areas!", "young women from rural areas"]]


def test_mongolian_cyrillic_duplicates_are_found_and_different_words_kept_apart():
    ideas = [idea("Малчин өрхүүд!", 1), idea("малчин   ӨРХҮҮД", 2), idea("Малчид", 3), idea("Малчин", 4),
             idea("???", 5), idea("!!!", 6), idea("18–27 year-olds", 7), idea("18-27 year olds.", 8)]
    groups = [{i.text for i in g} for g in likely_duplicates(ideas)]
    assert {"Малчин өрхүүд!", "малчин ӨРХҮҮД"} in groups  # spacing was already folded when saved
    assert {"18–27 year-olds", "18-27 year olds."} in groups
    assert len(groups) == 2  # "Малчид" ≠ "Малчин"; "???" and "!!!" say nothing alike
    assert idea_key("Малчид") == "малчид"


def test_hidden_and_merged_ideas_are_not_offered_as_duplicates():
    ideas = [idea("Students!", 1), idea("students", 2, status=IdeaStatus.hidden),
             idea("STUDENTS", 3, status=IdeaStatus.merged, merged_into="i1")]
    assert likely_duplicates(ideas) == []


WORDS = st.lists(st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzабвгдеёжзийклмноөпрстуүфхцчшщъыьэюя0123456789"),
                         min_size=1, max_size=8), min_size=1, max_size=6)
PUNCTUATION = st.text(st.sampled_from("!?.,;:-–—\"'«»()…"), max_size=3)


@given(WORDS, st.data())
def test_any_case_spacing_or_punctuation_variant_is_a_likely_duplicate(words, data):
    original = " ".join(words)
    variant = ""
    for word in words:
        cased = "".join(c.upper() if data.draw(st.booleans()) else c for c in word)
        variant += data.draw(st.sampled_from([" ", "  ", "\t", " \n "])) + cased + data.draw(PUNCTUATION)
    first, second = idea(original, 1), idea(variant, 2)
    assert idea_key(first.text) == idea_key(second.text)
    assert [{i.id for i in g} for g in likely_duplicates([first, second])] == [{"i1", "i2"}]


def test_an_option_already_on_the_ballot_in_other_punctuation_is_not_added_twice():
    ballot = draft().model_copy(update={"options": [BallotOption(label="Young women from rural areas")]})
    again = idea("Young women from Rural areas!", 1)
    updated, changed = promote([again], [again], ballot)
    assert [o.label for o in updated.options] == ["Young women from rural areas"]
    assert changed[0].status is IdeaStatus.promoted


# ---- 2. what the projector counts ----------------------------------------------------------------
def test_the_board_count_leaves_out_merged_and_hidden_ideas():
    ideas = [idea("Students", 1), idea("students!", 2, status=IdeaStatus.merged, merged_into="i1"),
             idea("spam", 3, status=IdeaStatus.hidden), idea("Herders", 4, status=IdeaStatus.promoted),
             idea("Young women", 5)]
    assert on_board_count(ideas) == 3
