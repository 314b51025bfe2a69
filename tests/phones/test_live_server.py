"""Phones voting against the real server (`c4d serve`), which is then killed without warning."""

from __future__ import annotations

import asyncio
import os
import re
import signal
from concurrent.futures import ThreadPoolExecutor

import httpx

from c4d.phones.model import Showing, verify_device, voter_key_for_device
from c4d.db.store import Store
from c4d.voting.lifecycle import open_ballot
from c4d.voting.model import Ballot, BallotOption
from tests.browser.conftest import start_app, stop_app
from tests.fixtures_store import add_campaign, add_session

PHONES = 40
SPREAD_S = 0.4  # the votes arrive over this long, in small waves
KILL_AFTER = 10  # thanked phones before the kill
_HIDDEN = re.compile(r'<input type=hidden name=(\w+) value="([^"]*)"')


def test_every_vote_a_phone_was_thanked_for_survives_the_server_being_killed(tmp_path):
    """Forty phones load the ballot, then send their votes within a fraction of a second,
    as a room does when the facilitator says "vote now". The server is killed (no
    warning: a laptop whose battery ran out) once ten phones have been thanked, with other
    votes still on their way. Started again, the database holds the vote of every phone
    that was thanked, each once, as it was sent, and no vote that no phone sent."""
    data = tmp_path / "data"
    data.mkdir()
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    campaign = add_campaign(store)
    session = add_session(store, campaign)
    ballot = store.save_ballot(open_ballot(Ballot(
        campaign_id=campaign.id, session_id=session.id, question="Which group first?",
        options=[BallotOption(label=label) for label in ("Young women", "Students", "Herders", "Drivers")])))
    state = store.live_state(session.id)
    store.save_live_state(state.model_copy(update={"showing": Showing.ballot, "ballot_id": ballot.id}))
    store.engine.dispose()

    process, base = start_app(data)
    try:
        sent, thanked = _room_votes(base, state.join_code, process.pid)
    finally:
        stop_app(process)

    assert thanked, "no phone was thanked before the server was killed"
    restarted = Store(store.url)
    secret = restarted.setting("device_secret")  # made by the server for its first phone
    voter = {cookie: voter_key_for_device(verify_device(secret, cookie)) for cookie in sent}
    wanted = {voter[cookie]: [ballot.option_ids[choice]] for cookie, choice in sent.items()}
    votes = restarted.votes(ballot.id)
    stored = {v.voter_key: v.selections for v in votes}
    assert len(stored) == len(votes)  # one vote per phone
    assert [cookie for cookie in thanked if stored.get(voter[cookie]) != wanted[voter[cookie]]] == []
    assert all(stored[key] == wanted.get(key) for key in stored)  # nothing that no phone sent


def _room_votes(base: str, code: str, server_group: int) -> tuple[dict[str, int], set[str]]:
    """The phones' votes (device cookie → option index) and the cookies of the phones that
    were thanked (a 303 to the thank-you page) before the kill."""

    async def room() -> tuple[dict[str, int], set[str]]:
        phones = [httpx.AsyncClient(base_url=base, timeout=30) for _ in range(PHONES)]
        try:
            forms = []
            for phone in phones:
                page = await phone.get(f"/j/{code}")
                assert page.status_code == 200
                forms.append(dict(_HIDDEN.findall(page.text)))
            sent = {phone.cookies["c4d_device"]: i % 4 for i, phone in enumerate(phones)}

            async def send(phone: httpx.AsyncClient, form: dict[str, str], after_s: float) -> str | None:
                await asyncio.sleep(after_s)
                try:
                    answer = await phone.post(f"/j/{code}", data={**form, "o": str(sent[phone.cookies["c4d_device"]])})
                except httpx.HTTPError:
                    return None  # the server was gone before it answered
                return phone.cookies["c4d_device"] if answer.status_code == 303 else None

            thanked: set[str] = set()
            killed = False
            sends = [send(phone, form, SPREAD_S * i / PHONES) for i, (phone, form) in enumerate(zip(phones, forms))]
            for finished in asyncio.as_completed(sends):
                cookie = await finished
                if cookie is not None:
                    thanked.add(cookie)
                    if len(thanked) == KILL_AFTER and not killed:
                        os.killpg(server_group, signal.SIGKILL)
                        killed = True
            return sent, thanked
        finally:
            for phone in phones:
                await phone.aclose()

    with ThreadPoolExecutor(1) as thread:  # Playwright keeps an event loop running in this thread
        return thread.submit(asyncio.run, room()).result(180)
