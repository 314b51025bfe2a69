"""The Dream Umbrella example campaign (Mongolia, 2020–2021), built from public facts.

Loading it twice returns the campaign already there. Participant names are invented
and marked as examples; vote counts are illustrative and say so.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from c4d.demo import example_data
from c4d.voting import model as voting
from c4d.voting.lifecycle import close_ballot, open_ballot, reveal_results
from c4d.voting.templates import TEMPLATES
from c4d.ideas.model import Idea
from c4d.phones.model import LiveState
from c4d.models import Campaign, Decision, Participant, Session
from c4d.db.errors import NotFound
from c4d.db.store import Store

DEMO_ID = "d7ea3a0b5e11a000000000000000c4d1"


def _ids(n: int) -> str:
    """Stable ids, so two laptops that load the example hold the same campaign."""
    return f"{DEMO_ID[:-6]}{n:06d}"


def _register(session: Session, spec: dict) -> list[Participant]:
    women = iter(spec["given_names_women"] * 3)
    men = iter(spec["given_names_men"] * 3)
    people: list[Participant] = []
    n = 0
    for group in spec["groups"]:
        for sex, count in (("woman", group["women"]), ("man", group["men"])):
            for _ in range(count):
                n += 1
                given = next(women) if sex == "woman" else next(men)
                # A few came only on one of the two days, as happens in real workshops.
                attendance = [1] if n in (7, 23) else [2] if n == 31 else [1, 2]
                people.append(Participant(
                    id=_ids(1000 + n), session_id=session.id,
                    name=f"{given} Example-{n:02d}", organisation=group["organisation"],
                    org_type=group["org_type"], sex=sex,
                    contact="", consent_to_list=n % 3 != 0, attendance=attendance,
                ))
    return people


def load_demo(store: Store) -> Campaign:
    try:
        return store.campaign(DEMO_ID)
    except NotFound:
        pass
    # One transaction: an interrupted load leaves nothing behind, so the next one starts afresh.
    with store.transaction():
        data = example_data("campaign")
        campaign = store.create_campaign(Campaign(id=DEMO_ID, created_at=datetime.fromisoformat("2020-06-01T00:00:00+00:00"), **data["campaign"]))
        sessions = []
        for n, item in enumerate(data["sessions"], start=1):
            sessions.append(store.add_session(Session(id=_ids(n), campaign_id=campaign.id, **item)))
        ppcd = sessions[0]
        store.add_participants(_register(ppcd, data["ppcd_register"]))
        for n, item in enumerate(data["decisions"], start=1):
            decision = Decision(id=_ids(500 + n), campaign_id=campaign.id, session_id=ppcd.id, **item)
            if decision.breakdown:
                ballot = _voted_ballot(store, decision, n)
                decision = decision.model_copy(update={"ballot_id": ballot.id})
            store.add_decision(decision)
        _idea_board(store, campaign, ppcd, data["ppcd_live"])
        # Each capability adds its part of the example (imported here: they build on this module's data).
        from c4d.demo import audience as audience_demo
        from c4d.demo import pretest as pretest_demo
        from c4d.demo import strategy as strategy_demo

        audience_demo.load(store, campaign)  # sector lens, framework, audiences, SEM, stakeholders
        pretest_demo.load_pretest_demo(store, campaign)  # pre-test FGDs, drafts, scores (the brief cites them)
        strategy_demo.load_strategy_demo(store, campaign)  # objectives, channels, brief
        return campaign


def _voted_ballot(store: Store, decision: Decision, n: int) -> voting.Ballot:
    """The PPCD ballot behind a voted decision: closed, revealed, and holding one anonymous
    vote per voter that reproduces the decision's breakdown exactly."""
    template = TEMPLATES.get(decision.topic.value)
    opened = decision.decided_at - timedelta(minutes=20)
    ballot = voting.Ballot(
        id=_ids(600 + n), campaign_id=decision.campaign_id, session_id=decision.session_id,
        question=template.question if template else decision.topic.label,
        method=voting.VotingMethod.single, topic=decision.topic, template=decision.topic.value,
        options=[voting.BallotOption(id=f"opt{i}", label=row.option) for i, row in enumerate(decision.breakdown, 1)],
        created_at=opened - timedelta(minutes=30),
    )
    ballot = open_ballot(ballot, at=opened)
    store.save_ballot(ballot)
    voter = 0
    for option, row in zip(ballot.options, decision.breakdown):
        for _ in range(int(row.votes)):
            voter += 1
            store.cast_vote(voting.Vote(
                id=_ids(10_000 * n + voter), ballot_id=ballot.id, voter_key=f"demo:{voter:02d}",
                selections=[option.id], cast_at=opened + timedelta(seconds=20 * voter),
            ))
    ballot = reveal_results(close_ballot(ballot, at=decision.decided_at - timedelta(minutes=1)))
    return store.save_ballot(ballot)


def _idea_board(store: Store, campaign: Campaign, session: Session, spec: dict) -> None:
    """The ideas participants sent for the primary target group, tidied as a facilitator
    would: duplicates merged, the ones put to the vote promoted."""
    store.restore_live_state(LiveState(session_id=session.id, join_code=spec["join_code"],
                                       idea_prompt=spec["idea_prompt"]))
    audience_ballot = next((b for b in store.ballots(session.id)
                            if b.topic is not None and b.topic.value == "primary_audience"), None)
    start = datetime.fromisoformat("2020-06-18T07:00:00+00:00")
    ideas = []
    for n, item in enumerate(spec["ideas"]):
        merged = item.get("merged_into")
        status = "merged" if merged is not None else item.get("status", "new")
        ideas.append(Idea(
            id=_ids(700 + n), campaign_id=campaign.id, session_id=session.id, text=item["text"],
            voter_key=f"demo:{n + 1:02d}", status=status,
            merged_into=_ids(700 + merged) if merged is not None else None,
            ballot_id=audience_ballot.id if status == "promoted" and audience_ballot else None,
            created_at=start + timedelta(minutes=n),
        ))
    store.save_ideas(ideas)
