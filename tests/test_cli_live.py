"""`c4d live`: the join links of the sessions taking votes or ideas, for a group chat."""

from __future__ import annotations

from datetime import date

import pytest

from c4d import cli, lan
from c4d.voting.commands import show_ballot
from c4d.ideas.commands import show_ideas
from c4d.models import Campaign, Session, SessionKind
from c4d.db.store import Store
from c4d.voting.lifecycle import open_ballot
from c4d.voting.templates import ballot_from_template


@pytest.fixture
def data_store(tmp_path, monkeypatch) -> Store:
    folder = tmp_path / "data"
    monkeypatch.setenv("C4D_DATA_DIR", str(folder))
    monkeypatch.delenv("C4D_DATABASE_URL", raising=False)
    monkeypatch.setattr(lan, "candidate_addresses", lambda: ["127.0.0.1", "192.168.137.1"])
    store = Store()
    yield store
    store.engine.dispose()


def run(capsys, *argv):
    code = cli.main(["live", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def add_session(store, campaign, title, day):
    return store.add_session(Session(campaign_id=campaign.id, kind=SessionKind.ppcd, title=title,
                                     start_date=date(2020, 6, day), end_date=date(2020, 6, day)))


def test_nothing_open_says_so(data_store, capsys):
    campaign = data_store.create_campaign(Campaign(name="Quiet"))
    data_store.live_state(add_session(data_store, campaign, "PPCD", 18).id)  # a join code, showing 'wait'
    code, out, err = run(capsys)
    assert code == 0 and "No session is taking votes, ideas or pre-test scores right now" in out and not err


def test_open_ballot_and_idea_board_are_listed_with_their_links(data_store, capsys):
    campaign = data_store.create_campaign(Campaign(name="Dream Umbrella — Мөрөөдлийн шүхэр"))
    voting = add_session(data_store, campaign, "PPCD day one", 18)
    ideas = add_session(data_store, campaign, "Media Camp", 19)
    waiting = add_session(data_store, campaign, "Not live", 20)
    ballot = data_store.save_ballot(open_ballot(ballot_from_template("area", campaign.id, voting.id)))
    show_ballot(data_store, ballot)
    show_ideas(data_store, ideas.id, "Which groups are most at risk?")
    data_store.live_state(waiting.id)
    code_vote = data_store.live_state(voting.id).join_code
    code_ideas = data_store.live_state(ideas.id).join_code

    code, out, err = run(capsys, "--port", "8600")
    assert code == 0 and not err
    assert f"http://192.168.137.1:8600/j/{code_vote}  (code {code_vote})" in out
    assert f"http://192.168.137.1:8600/j/{code_ideas}" in out
    assert "Vote: Where should the campaign be rolled out?" in out
    assert "Idea board: Which groups are most at risk?" in out
    assert "Dream Umbrella — Мөрөөдлийн шүхэр · PPCD day one" in out
    assert "Not live" not in out and "127.0.0.1" not in out


def test_the_saved_address_and_the_address_option_are_used(data_store, capsys):
    campaign = data_store.create_campaign(Campaign(name="C"))
    session = add_session(data_store, campaign, "PPCD", 18)
    show_ideas(data_store, session.id, "Ideas?")
    join = data_store.live_state(session.id).join_code
    data_store.set_setting(lan.SETTING, "10.42.0.1")
    assert f"http://10.42.0.1:8501/j/{join}" in run(capsys)[1]
    assert f"http://172.16.0.9:9000/j/{join}" in run(capsys, "--address", "172.16.0.9:9000")[1]


def test_a_bad_address_is_one_line_not_a_traceback(data_store, capsys):
    code, out, err = run(capsys, "--address", "localhost")
    assert code == 1 and err.startswith("c4d: --address: 'localhost' only works on this laptop")
    assert "Traceback" not in err and err.count("\n") == 1


def test_without_a_network_the_links_come_with_a_warning(data_store, capsys, monkeypatch):
    monkeypatch.setattr(lan, "candidate_addresses", lambda: ["127.0.0.1"])
    campaign = data_store.create_campaign(Campaign(name="C"))
    session = add_session(data_store, campaign, "PPCD", 18)
    show_ideas(data_store, session.id, "Ideas?")
    code, out, err = run(capsys)
    assert code == 0 and "http://127.0.0.1:8501/j/" in out
    assert "on no network phones can reach" in err


def test_a_closed_ballot_is_not_listed_as_taking_votes(data_store, capsys):
    from c4d.voting.lifecycle import close_ballot

    campaign = data_store.create_campaign(Campaign(name="C"))
    session = add_session(data_store, campaign, "PPCD", 18)
    ballot = data_store.save_ballot(open_ballot(ballot_from_template("area", campaign.id, session.id)))
    show_ballot(data_store, ballot)
    assert "Vote: Where should the campaign be rolled out?" in run(capsys)[1]
    data_store.save_ballot(close_ballot(data_store.ballot(ballot.id)))
    code, out, _ = run(capsys)
    assert code == 0 and "Where should the campaign" not in out and "No session is taking votes" in out


def test_a_pretest_on_the_phones_is_listed(data_store, capsys):
    from c4d.pretest import commands
    from c4d.pretest.model import Material, MaterialType

    campaign = data_store.create_campaign(Campaign(name="C"))
    session = add_session(data_store, campaign, "Focus group", 18)
    slogan = commands.register_material(data_store, campaign.id, Material(type=MaterialType.slogan, title="Slogan",
                                                                          text="Check first"))
    commands.show_material(data_store, campaign.id, session.id, slogan.id)
    assert "Pre-test: scoring Slogan (v1)" in run(capsys)[1]


def test_the_links_use_the_port_the_toolkit_was_last_served_on(data_store, capsys):
    campaign = data_store.create_campaign(Campaign(name="C"))
    session = add_session(data_store, campaign, "PPCD", 18)
    show_ideas(data_store, session.id, "Ideas?")
    data_store.set_setting(cli.SERVED_PORT, 8614)
    assert "http://192.168.137.1:8614/j/" in run(capsys)[1]
    assert "http://192.168.137.1:9000/j/" in run(capsys, "--port", "9000")[1]


@pytest.mark.parametrize("port", ["99999", "0", "eighty", "-5"])
def test_a_port_that_is_not_one_is_refused_in_words(capsys, port):
    code = cli.main(["serve", "--port", port])
    err = capsys.readouterr().err
    assert code == 2 and "is not a port: use a whole number from 1 to 65535" in err and "Traceback" not in err


@pytest.mark.parametrize("host, words", [("999.1.1.1", "is not an address"), ("192.0.2.77", "has no address")])
def test_a_host_this_laptop_cannot_listen_on_is_refused_in_words(data_store, capsys, host, words):
    code = cli.main(["serve", "--host", host, "--port", "8765"])
    err = capsys.readouterr().err
    assert code == 1 and words in err and err.count("\n") == 1


def test_a_port_in_use_is_refused_in_words(data_store, capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = cli.main(["serve", "--host", "127.0.0.1", "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 1 and f"port {port} is already in use" in err
