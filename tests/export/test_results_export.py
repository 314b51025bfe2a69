"""Results and raw votes as CSV and XLSX (c4d.export.results): content, anonymity, safety."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from c4d.voting.commands import adopt
from c4d.voting.results import SMALL_GROUP, tally
from c4d.export.results import (
    SMALL_GROUP_MARK,
    export_filename,
    neutralise,
    results_csv,
    results_xlsx,
    session_tables,
    votes_csv,
)
from c4d.ideas.model import Idea
from c4d.models import Campaign, OrgType, Participant, Session, SessionKind, Sex
from c4d.voting.lifecycle import close_ballot
from c4d.voting.model import Ballot, BallotOption, BallotStatus, Criterion, HandCount, Vote, VotingMethod

T0 = datetime(2020, 6, 18, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def workshop(store):
    campaign = store.create_campaign(Campaign(name="Safe Journeys"))
    session = store.add_session(Session(campaign_id=campaign.id, kind=SessionKind.ppcd, title="PPCD Darkhan",
                                        start_date=date(2020, 6, 18), end_date=date(2020, 6, 19)))
    people = store.add_participants([
        Participant(session_id=session.id, name="A. Woman", organisation="Centre", org_type=OrgType.ngo,
                    sex=Sex.woman, consent_to_list=True, attendance=[1, 2]),
        Participant(session_id=session.id, organisation="Police", org_type=OrgType.law_enforcement,
                    sex=Sex.man, attendance=[1]),
        Participant(session_id=session.id, organisation="Radio", org_type=OrgType.media, sex=Sex.woman,
                    attendance=[2]),
    ])
    return campaign, session, people


def open_ballot_with(store, campaign, session, labels, method=VotingMethod.single, **extra) -> Ballot:
    ballot = Ballot(campaign_id=campaign.id, session_id=session.id, question="Which one?", method=method,
                    options=[BallotOption(id=f"o{i}", label=label) for i, label in enumerate(labels)],
                    status=BallotStatus.open, opened_at=T0, **extra)
    return store.save_ballot(ballot)


def rows_of(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM so Excel reads UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1+1", "'+1+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"),
    ("Radio", "Radio"), ("a=b", "a=b"), (3, 3), (-2, -2), (None, None),
])
def test_cells_that_could_start_a_formula_are_quoted(value, expected):
    assert neutralise(value) == expected


def test_votes_are_anonymous_numbered_per_ballot_and_identified_only_with_a_card(store, workshop):
    campaign, session, people = workshop
    ballot = open_ballot_with(store, campaign, session, ["Young women 18–27", "Parents"])
    store.cast_vote(Vote(ballot_id=ballot.id, voter_key="device:secret-one", selections=["o0"], cast_at=T0))
    store.cast_vote(Vote(ballot_id=ballot.id, voter_key="card:ABCDEF", participant_id=people[1].id,
                         selections=["o1"], cast_at=T0 + timedelta(minutes=1)))
    second = open_ballot_with(store, campaign, session, ["TV", "Radio"])
    store.cast_vote(Vote(ballot_id=second.id, voter_key="card:ABCDEF", participant_id=people[1].id,
                         selections=["o1"], cast_at=T0 + timedelta(minutes=2)))

    data = votes_csv(store, campaign, [session])
    text = data.decode("utf-8-sig")
    assert "secret-one" not in text and "ABCDEF" not in text and "device:" not in text
    header, *rows = rows_of(data)
    col = {name: i for i, name in enumerate(header)}
    assert [(r[col["Ballot"]], r[col["Voter"]], r[col["Option"]]) for r in rows] == [
        ("1", "1", "Young women 18–27"), ("1", "2", "Parents"), ("2", "1", "Radio")]  # numbering restarts
    # one identified voter per ballot: too few to name the group without naming the person
    assert [r[col["Sex"]] for r in rows] == ["", SMALL_GROUP_MARK, SMALL_GROUP_MARK]
    assert [r[col["Type of organisation"]] for r in rows] == ["", SMALL_GROUP_MARK, SMALL_GROUP_MARK]


def test_a_group_is_named_in_the_raw_votes_only_when_it_has_enough_voters(store, workshop):
    campaign, session, _ = workshop
    women = [Participant(session_id=session.id, organisation=f"NGO {i}", org_type=OrgType.ngo, sex=Sex.woman)
             for i in range(SMALL_GROUP)]
    man = Participant(session_id=session.id, organisation="TV", org_type=OrgType.media, sex=Sex.man)
    voters = store.add_participants([*women, man])
    ballot = open_ballot_with(store, campaign, session, ["Radio", "TV"])
    for i, person in enumerate(voters):
        store.cast_vote(Vote(ballot_id=ballot.id, voter_key=f"card:CARD{i}", participant_id=person.id,
                             selections=["o0"], cast_at=T0 + timedelta(minutes=i)))
    header, *rows = rows_of(votes_csv(store, campaign, [session]))
    col = {name: i for i, name in enumerate(header)}
    assert [r[col["Sex"]] for r in rows] == ["Woman"] * SMALL_GROUP + [SMALL_GROUP_MARK]
    assert [r[col["Type of organisation"]] for r in rows] == ["NGO / service provider"] * SMALL_GROUP + [
        SMALL_GROUP_MARK]


def test_results_csv_has_every_option_with_rank_and_share(store, workshop):
    campaign, session, _ = workshop
    ballot = open_ballot_with(store, campaign, session, ["Sexual exploitation", "Forced labour", "Domestic"])
    for i, option in enumerate(["o0", "o0", "o1"]):
        store.cast_vote(Vote(ballot_id=ballot.id, voter_key=f"device:{i}", selections=[option]))
    header, *rows = rows_of(results_csv(store, campaign, [session]))
    col = {name: i for i, name in enumerate(header)}
    assert [(r[col["Rank"]], r[col["Option"]], r[col["Score"]], r[col["Share"]]) for r in rows] == [
        ("1", "Sexual exploitation", "2", "0.6667"), ("2", "Forced labour", "1", "0.3333"),
        ("3", "Domestic", "0", "0")]


def test_option_labels_and_ideas_cannot_become_formulas_in_csv_or_xlsx(store, workshop):
    campaign, session, _ = workshop
    ballot = open_ballot_with(store, campaign, session, ["=HYPERLINK(\"http://evil\",\"x\")", "@SUM(1)", "-1+2"])
    store.cast_vote(Vote(ballot_id=ballot.id, voter_key="device:1", selections=["o0"]))
    store.save_idea(Idea(campaign_id=campaign.id, session_id=session.id, text="+cmd|' /C calc'!A0"))

    for data in (results_csv(store, campaign, [session]), votes_csv(store, campaign, [session])):
        cells = [cell for row in rows_of(data) for cell in row]
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
        assert "'=HYPERLINK(\"http://evil\",\"x\")" in cells

    book = load_workbook(io.BytesIO(results_xlsx(store, campaign, [session])))
    assert book.sheetnames == ["Ballots", "Results", "Criteria", "Rounds", "Votes", "Ideas"]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), cell.value
    options = [c.value for c in book["Results"]["F"][1:]]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in options and "'@SUM(1)" in options and "'-1+2" in options
    assert book["Ideas"]["B2"].value == "'+cmd|' /C calc'!A0"


def test_xlsx_ballots_sheet_records_turnout_hands_and_the_adopted_decision(store, workshop):
    campaign, session, _ = workshop
    ballot = open_ballot_with(store, campaign, session, ["TV", "Radio", "Facebook"], method=VotingMethod.dots,
                              dots=3)
    store.cast_vote(Vote(ballot_id=ballot.id, voter_key="device:1", dots={"o2": 3}))
    store.save_hand_count(HandCount(ballot_id=ballot.id, counts={"o0": 2, "o2": 4}, people=2))
    ballot = store.save_ballot(close_ballot(store.ballot(ballot.id)))
    adopt(store, ballot, tally(store, ballot).result, eligible_count=3)

    sheet = load_workbook(io.BytesIO(results_xlsx(store, campaign, [session])))["Ballots"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["Counted from"] == "mixed"
    assert row["Votes on phones"] == 1 and row["People in the show of hands"] == 2 and row["Turnout"] == 3
    assert row["Could vote"] == 2 and row["Who could vote"] == "present on day 1"  # opened on 18 June
    assert row["Leading option(s)"] == "Facebook"
    assert row["Adopted decision"] == "Other decision: Facebook"
    assert "Facebook" in row["Result"]


def test_matrix_and_ranking_ballots_fill_the_criteria_and_rounds_sheets(store, workshop):
    campaign, session, _ = workshop
    matrix = open_ballot_with(store, campaign, session, ["A", "B"], method=VotingMethod.matrix,
                              criteria=[Criterion(id="m", label="Magnitude", weight=2),
                                        Criterion(id="f", label="Feasibility")])
    store.cast_vote(Vote(ballot_id=matrix.id, voter_key="device:1",
                         scores={"o0": {"m": 5, "f": 3}, "o1": {"m": 1, "f": 2}}))
    irv = open_ballot_with(store, campaign, session, ["X", "Y", "Z"], method=VotingMethod.ranking_irv)
    # Z goes first on Borda points (no tie-break by ballot order), and its vote moves to Y.
    for i, ranking in enumerate([["o0"], ["o0"], ["o1"], ["o2", "o1"]]):
        store.cast_vote(Vote(ballot_id=irv.id, voter_key=f"device:{i}", ranking=ranking))
    tables = {t.name: t for t in session_tables(store, campaign, [session])}
    assert [row[3:] for row in tables["Criteria"].rows] == [
        ["A", "Magnitude", 2, 5], ["A", "Feasibility", 1, 3], ["B", "Magnitude", 2, 1], ["B", "Feasibility", 1, 2]]
    rounds = [(r[3], r[4], r[5], r[8]) for r in tables["Rounds"].rows]
    assert (1, "Z", 1, "yes") in rounds and (2, "Y", 2, "") in rounds
    votes = [(r[1], r[8], r[9], r[10]) for r in tables["Votes"].rows]
    assert (1, "A", "Magnitude", 5) in votes and (2, "Y", "", 2) in votes  # Y second on the third ranking


def test_export_file_names_are_safe():
    campaign = Campaign(name="Dream Umbrella — Мөрөөдлийн шүхэр", slug="dream-umbrella")
    session = Session(campaign_id=campaign.id, kind=SessionKind.ppcd, title="PPCD", slug="ppcd-2020",
                      start_date=date(2020, 6, 18), end_date=date(2020, 6, 19))
    assert export_filename(campaign, session, "votes", "xlsx") == "dream-umbrella_ppcd-2020_votes.xlsx"
    assert export_filename(campaign, None, "raw-votes", "csv") == "dream-umbrella_raw-votes.csv"
