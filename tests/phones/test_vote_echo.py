"""After voting, the phone says what it sent ("You voted for: …"), in the participant
language; "Change my vote" opens the ballot with that vote filled in; the join page says
"Workshop code" once."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest

from c4d.phones import pages, phrases
from c4d.phones.commands import save_translations
from c4d.phones.model import VoterCard
from c4d.voting.lifecycle import close_ballot
from c4d.voting.model import Criterion, VotingMethod
from tests.fixtures_store import add_campaign, add_session
from tests.phones import test_live_routes as live
from tests.phones.test_live_routes import (
    ESCAPED,
    SCRIPT,
    FormReader,
    ballot,
    make_client,
    open_and_show,
    post,
    vote,
)

w = live.w  # a campaign with one session, its join code and a phone

OPTIONS = ["Young women 18–30", "Young men 18–30", "Parents", "Teachers"]


class Visible(HTMLParser):
    """The text a person reads on the page (not the <title> in the tab)."""

    def __init__(self, text: str):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("title", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("title", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def seen(html: str) -> str:
    return Visible(html).text


def change_link(page_text: str) -> str:
    links = re.findall(r'<a class="b" href="([^"]+)">Change my vote</a>', page_text)
    assert len(links) == 1, page_text
    return links[0].replace("&amp;", "&")


CASES = [
    (VotingMethod.single, {}, {"o": "0"}, "You voted for: Young women 18–30"),
    (VotingMethod.multiple, {"max_choices": 2}, {"o": ["1", "3"]}, "You voted for: Young men 18–30 Teachers"),
    (VotingMethod.dots, {"dots": 3}, {"d0": "2", "d1": "", "d2": "1", "d3": "0"},
     "Your dots: 2 Young women 18–30 1 Parents"),
    (VotingMethod.ranking_borda, {}, {"r0": "3", "r1": "1", "r2": "4", "r3": "2"},
     "Your ranking: 1. Young men 18–30 2. Teachers 3. Young women 18–30 4. Parents"),
    (VotingMethod.ranking_irv, {}, {"r0": "", "r1": "2", "r2": "1", "r3": ""},
     "Your ranking: 1. Parents 2. Young men 18–30"),
    (VotingMethod.matrix, {"criteria": [Criterion(label="Severity"), Criterion(label="Gap")]},
     {"s0_0": "5", "s0_1": "4", "s1_0": "3", "s1_1": "2", "s2_0": "1", "s2_1": "1", "s3_0": "2", "s3_1": "5"},
     ("Your scores: Young women 18–30 Severity 5 · Gap 4 Young men 18–30 Severity 3 · Gap 2 "
      "Parents Severity 1 · Gap 1 Teachers Severity 2 · Gap 5")),
]


@pytest.mark.parametrize("method,extra,answer,said", CASES, ids=[c[0].value for c in CASES])
def test_the_thank_you_page_says_what_was_chosen(w, method, extra, answer, said):
    open_and_show(w.store, ballot(w, OPTIONS, method, **extra))
    sent = vote(w.client, w.code, answer)
    assert sent.status_code == 303, sent.text
    thanks = w.client.get(sent.headers["location"])
    assert "your vote is counted" in thanks.text
    assert said in seen(thanks.text)
    assert len(thanks.content) < pages.PAGE_BUDGET


@pytest.mark.parametrize("method,extra,answer,said", CASES, ids=[c[0].value for c in CASES])
def test_change_my_vote_opens_the_ballot_with_the_earlier_vote_filled_in(w, method, extra, answer, said):
    b = open_and_show(w.store, ballot(w, OPTIONS, method, **extra))
    thanks = w.client.get(vote(w.client, w.code, answer).headers["location"])
    again = w.client.get(change_link(thanks.text))
    assert again.status_code == 200
    assert "Your vote is filled in below" in again.text
    reader = FormReader(again.text)
    form = reader.form
    if method in (VotingMethod.single, VotingMethod.multiple):
        kind = "radio" if method is VotingMethod.single else "checkbox"
        ticked = [i["value"] for i in reader.inputs(kind) if "checked" in i]
        assert ticked == sorted(answer["o"] if isinstance(answer["o"], list) else [answer["o"]])
    elif method is VotingMethod.dots:
        assert [i["value"] for i in reader.inputs("number")] == ["2", "0", "1", "0"]
    elif method.is_ranking:
        held = {s["name"]: next((o for o in s["options"] if "selected" in o), None) for s in form["selects"]}
        places = {}
        for name, option in held.items():
            places[name] = "" if option is None else str(
                [o for o in next(s for s in form["selects"] if s["name"] == name)["options"]].index(option))
        assert places == {k: v for k, v in answer.items()}
    else:
        ticked = {i["name"]: i["value"] for i in reader.inputs("radio") if "checked" in i}
        assert ticked == answer
    # Sending it again, unchanged, replaces the vote with the same content.
    resent = post(w.client, w.code, {**reader.hidden(), **answer})
    assert resent.status_code == 303
    assert "Your earlier vote was replaced" in w.client.get(resent.headers["location"]).text
    assert w.store.vote_count(b.id) == 1


def test_a_plain_visit_to_the_ballot_is_still_the_shared_empty_form(w):
    open_and_show(w.store, ballot(w, OPTIONS))
    vote(w.client, w.code, {"o": "2"})
    page = w.client.get(f"/j/{w.code}")
    assert not [i for i in FormReader(page.text).inputs("radio") if "checked" in i]


def test_the_echo_cannot_be_changed_in_the_address(w):
    open_and_show(w.store, ballot(w, OPTIONS))
    location = vote(w.client, w.code, {"o": "0"}).headers["location"]
    assert "&v=0" in location
    forged = location.replace("&v=0", "&v=1")
    page = w.client.get(forged)
    assert "You voted for" not in page.text and "<form" in page.text  # the ballot, not a thank-you
    edit = w.client.get(forged + "&edit=1")
    assert not [i for i in FormReader(edit.text).inputs("radio") if "checked" in i]


def test_the_closed_page_still_says_what_this_phone_chose(w):
    b = open_and_show(w.store, ballot(w, OPTIONS))
    link = vote(w.client, w.code, {"o": "1"}).headers["location"]
    w.store.save_ballot(close_ballot(b))
    closed = w.client.get(link)
    assert "Voting on this question is closed." in closed.text
    assert "You voted for: Young men 18–30" in seen(closed.text)
    assert "Change my vote" not in closed.text


def test_a_card_vote_is_echoed_too(w):
    w.store.add_cards([VoterCard(session_id=w.session.id, code="AAAAAA")])
    open_and_show(w.store, ballot(w, OPTIONS), cards_required=True)
    sent = vote(w.client, w.code, {"o": "3", "card": "AAAAAA"})
    thanks = w.client.get(sent.headers["location"])
    assert "You voted for: Teachers" in seen(thanks.text)
    again = w.client.get(change_link(thanks.text))
    assert [i["value"] for i in FormReader(again.text).inputs("radio") if "checked" in i] == ["3"]
    assert 'name=card value=""' in again.text  # the card code is never put in an address


def test_the_echo_is_in_the_participant_language_and_escaped(store):
    campaign = add_campaign(store, "Аюулгүй шилжилт", participant_language="mn")
    session = add_session(store, campaign)
    code = store.live_state(session.id).join_code
    save_translations(store, "mn", {"you_voted_for": "Таны сонголт: {choice}", "change_vote": "Саналаа өөрчлөх"})
    open_and_show(store, ballot(SimpleNamespace(campaign=campaign, session=session), [SCRIPT, "TV"]))
    client = make_client()
    thanks = client.get(vote(client, code, {"o": "0"}).headers["location"])
    assert f"Таны сонголт: <b>{ESCAPED}</b>" in thanks.text
    assert SCRIPT not in thanks.text
    assert "Саналаа өөрчлөх" in thanks.text


def test_every_echo_phrase_has_an_english_default():
    for key in ("you_voted_for", "your_choices", "your_dots", "your_ranking", "your_scores", "vote_filled_in"):
        assert phrases.ENGLISH[key].strip()


def test_the_join_page_says_workshop_code_once(w):
    page = make_client().get("/j")
    text = seen(page.text)
    assert text.count("Workshop code") == 1, text
    assert page.text.count('<input type=text name=code') == 1
    unknown = make_client().get("/j?code=ZZZZZ9")
    assert seen(unknown.text).count("Workshop code") == 1
