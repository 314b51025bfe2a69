"""The Dream Umbrella example is consistent with itself and with the published facts, and
loads all or nothing."""

from __future__ import annotations

import pytest

from c4d.voting.results import eligible_for, tally
from c4d.demo.example import DEMO_ID, load_demo
from c4d.db.errors import NotFound


def test_the_ppcd_register_matches_the_published_figures(demo, ready_store):
    ppcd = ready_store.session(demo.id, "ppcd-2020")
    people = ready_store.participants(ppcd.id)
    assert (str(ppcd.start_date), str(ppcd.end_date)) == ("2020-06-18", "2020-06-19")
    assert len(people) == 39
    assert sum(p.sex.value == "woman" for p in people) == 29
    assert sum(p.sex.value == "man" for p in people) == 10
    assert all("Example" in p.name for p in people)  # obviously invented names


@pytest.fixture
def in_ulaanbaatar(monkeypatch):
    """The laptop's clock as the facilitators' was: a ballot's day is its local date."""
    import time

    monkeypatch.setenv("TZ", "Asia/Ulaanbaatar")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_every_voted_decision_agrees_with_its_ballot_and_the_room(demo, ready_store, in_ulaanbaatar):
    ppcd = ready_store.session(demo.id, "ppcd-2020")
    people = ready_store.participants(ppcd.id)
    voted = [d for d in ready_store.decisions(demo.id) if d.ballot_id]
    assert len(voted) == 4
    for decision in voted:
        ballot = ready_store.ballot(decision.ballot_id)
        counted = tally(ready_store, ballot)
        room = eligible_for(ppcd, people, ballot)
        assert counted.cast == decision.turnout, decision.topic
        assert decision.turnout <= room.count, (decision.topic, decision.turnout, room.count, room.label)
        assert decision.eligible == room.count, decision.topic
        assert {row.option: row.votes for row in decision.breakdown} == {
            o.label: sum(1 for v in counted.votes if o.id in v.selections) for o in ballot.options}


def test_an_interrupted_load_leaves_nothing_and_the_next_load_completes(ready_store, monkeypatch):
    from c4d.demo import strategy as strategy_demo

    def power_cut(store, campaign):
        raise RuntimeError("the laptop went off")

    monkeypatch.setattr(strategy_demo, "load_strategy_demo", power_cut)
    with pytest.raises(RuntimeError):
        load_demo(ready_store)
    with pytest.raises(NotFound):
        ready_store.campaign(DEMO_ID)
    assert ready_store.campaigns() == []
    monkeypatch.undo()
    assert load_demo(ready_store).id == DEMO_ID
    assert load_demo(ready_store).id == DEMO_ID  # twice: still one
    assert len(ready_store.campaigns()) == 1
