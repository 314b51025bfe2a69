"""PPCD voting: the facilitator's side of live ballots, as a worksheet.

`c4d.voting.model` holds the rules (ballots, methods, counting); this module holds what the
facilitator does with them in a session and what the report says about them:

- put a ballot on the phones (`show_ballot`) — one thing at a time per session, so an
  earlier open ballot of the session is closed first — or take it off (`show_nothing`);
- count a ballot as it stands (`tally`), with the people who could vote (`eligible`);
- turn a result into a table and bars: an Altair chart for the page and the projector,
  the same bars as a picture for the report (`result_png`, drawn offline);
- adopt a result as a campaign decision (`adopt`); the decision records the ballot it
  came from (`Decision.ballot_id`);
- print voter cards (`make_cards`, `cards_sheet_html`) and split results by sex and
  organisation type for identified voters (`disaggregation_table`).
"""

from __future__ import annotations

import html
import logging
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from c4d import pictures as charts
from c4d.models import Campaign, Decision, DecisionTopic, Participant, Session
from c4d.phones.model import CARD_CODE_LENGTH, LiveState, Showing, VoterCard, new_code
from c4d.voting.model import (
    Ballot,
    BallotStatus,
    HandCount,
    Result,
    Vote,
    VotingError,
    VotingMethod,
    close_ballot,
    count,
    decision_from_result,
    describe_result,
    disaggregate,
)
from c4d.worksheet import PStep, Progress, RoadshowStep, Status, register

if TYPE_CHECKING:
    import altair as alt

    from c4d.report_writer import ReportWriter
    from c4d.db.store import Store

log = logging.getLogger(__name__)

SMALL_GROUP = 5  # fewer voters than this in a group can reveal how one person voted


# ---- who could vote ---------------------------------------------------------------------

@dataclass(frozen=True)
class Eligible:
    count: int
    label: str  # "present on day 2" or "registered"

    def of(self, cast: int | None) -> str:
        """E.g. '31 of 39 voted (present on day 1)'."""
        if cast is None:
            return "turnout not recorded"
        if not self.count:
            return f"{cast} voted (no one in the register)"
        return f"{cast} of {self.count} voted ({self.label})"


def session_day(session: Session, on: date) -> int | None:
    """1-based day of the session on that date, or None outside the session."""
    if session.start_date <= on <= session.end_date:
        return (on - session.start_date).days + 1
    return None


def eligible(session: Session, participants: list[Participant], on: date | None = None) -> Eligible:
    """The people who could vote: those present on that day of the session when the
    register records attendance, otherwise everyone registered."""
    day = session_day(session, on) if on else None
    if day is not None and any(p.attendance for p in participants):
        return Eligible(sum(1 for p in participants if day in p.attendance), f"present on day {day}")
    return Eligible(len(participants), "registered")


def ballot_day(ballot: Ballot) -> date | None:
    """The local date the ballot was opened (the day the room voted)."""
    return ballot.opened_at.astimezone().date() if ballot.opened_at else None


def eligible_for(session: Session, participants: list[Participant], ballot: Ballot,
                 today: date | None = None) -> Eligible:
    return eligible(session, participants, ballot_day(ballot) or today)


# ---- counting as it stands --------------------------------------------------------------

@dataclass
class Tally:
    ballot: Ballot
    votes: list[Vote]
    hands: HandCount | None
    result: Result | None  # None: nothing to count yet
    problem: str = ""  # a count that could not be made, in words

    @property
    def cast(self) -> int:
        """Ballots cast on phones (one standing vote per voter)."""
        return len(self.votes)

    @property
    def turnout(self) -> int | None:
        if self.result is not None:
            return self.result.turnout
        return self.cast


def tally(store: "Store", ballot: Ballot) -> Tally:
    votes = store.votes(ballot.id)
    hands = store.hand_count(ballot.id)
    if not votes and hands is None:
        return Tally(ballot, votes, hands, None)
    try:
        return Tally(ballot, votes, hands, count(ballot, votes, hands))
    except ValueError as exc:  # e.g. phone scores and a show of hands on one matrix ballot
        return Tally(ballot, votes, hands, None, str(exc))


# ---- what a result looks like -----------------------------------------------------------

def value_title(ballot: Ballot, result: Result) -> str:
    """What the bars measure."""
    if result.plurality_fallback or result.method in (VotingMethod.single, VotingMethod.multiple):
        return "Votes"
    return {VotingMethod.dots: "Dots", VotingMethod.ranking_borda: "Borda points",
            VotingMethod.ranking_irv: "Votes in the last round counted",
            VotingMethod.matrix: "Score out of 100"}[result.method]


def bar_value(result: Result, row: Any) -> float:
    if result.method is VotingMethod.matrix and not result.plurality_fallback:
        return round(row.normalised or 0.0, 1)
    return row.score


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _num(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def result_table(ballot: Ballot, result: Result) -> tuple[list[str], list[list[Any]]]:
    """The result as a table (headers, rows of numbers and text), best first."""
    method = result.method
    if result.plurality_fallback or method in (VotingMethod.single, VotingMethod.multiple):
        share = "Share of votes" if method is VotingMethod.single or result.plurality_fallback else "Share of voters"
        return (["Rank", "Option", "Votes", share],
                [[r.rank, r.label, r.score, _pct(r.share)] for r in result.rows])
    if method is VotingMethod.dots:
        headers = ["Rank", "Option", "Dots", "Share of dots"]
        with_people = any(r.votes is not None for r in result.rows)
        if with_people:
            headers.append("People who put dots here")
        return headers, [[r.rank, r.label, r.score, _pct(r.share)] + ([r.votes] if with_people else [])
                         for r in result.rows]
    if method is VotingMethod.ranking_borda:
        return (["Rank", "Option", "Borda points", "Share of points", "First choices"],
                [[r.rank, r.label, r.score, _pct(r.share), r.first_prefs] for r in result.rows])
    if method is VotingMethod.ranking_irv:
        return (["Rank", "Option", "Votes in the last round counted", "First choices", "Eliminated in round"],
                [[r.rank, r.label, r.score, r.first_prefs, _num(r.eliminated_in)]  # "–": still in the count
                 for r in result.rows])
    criteria = result.criteria
    headers = ["Rank", "Option"] + [f"{c.label} (×{_num(c.weight)})" for c in criteria] + [
        "Weighted total", "Score out of 100"]
    rows = [[r.rank, r.label] + [round(r.criterion_means.get(c.id, 0.0), 2) for c in criteria]
            + [round(r.score, 2), round(r.normalised or 0.0, 1)] for r in result.rows]
    return headers, rows


def rounds_table(result: Result) -> tuple[list[str], list[list[Any]]] | None:
    """Instant-runoff rounds: one row per round, one column per option."""
    if not result.rounds:
        return None
    labels = {r.option_id: r.label for r in result.rows}
    order = [r.option_id for r in result.rows]
    headers = ["Round"] + [labels[o] for o in order] + ["Exhausted", "Eliminated"]
    rows = []
    for rnd in result.rounds:
        rows.append([rnd.number] + [rnd.tallies.get(o) for o in order] + [
            rnd.exhausted, ", ".join(labels[o] for o in rnd.eliminated) or "–"])
    return headers, rows


LEADING_COLOUR, OTHER_COLOUR = "#0b5cad", "#8fb3d9"


def result_bars(result: Result) -> list[tuple[str, float, str, bool]]:
    """(option, bar length, the value as written, leading?) per option, best first: what
    the page's chart and the report's picture both draw."""
    winners = set(result.winner_ids)
    return [(r.label, bar_value(result, r), _num(bar_value(result, r)), r.option_id in winners)
            for r in result.rows]


# ---- bars sized for the screen they are drawn on ----------------------------------------------
#
# Each option gets a band of `step` pixels and its bar fills BAR_SHARE of the band, so bars never
# touch whatever their number; the chart is as tall as its bands plus the axis under them. On the
# projector the step is chosen so that the whole chart, axis included, fits a 1280×720 screen under
# what the live screen shows above it, and the type is sized from the step.

BAR_SHARE = 0.72  # of each option's band; the rest is the gap between bars

# The smallest projector the live screen is designed for, and what it shows above the chart: the
# join line, the question in 3rem bold (about QUESTION_LINE_CHARS characters a line beside the QR
# code), the count, and two lines of notes (e.g. "Voting is closed." and the result in words).
# Measured in Chromium at 1280×720; if the live screen's layout changes, measure again.
PROJECTOR_HEIGHT_PX = 720
QUESTION_LINE_CHARS = 38
QUESTION_LINE_PX = 58
ABOVE_CHART_PX = 352  # everything above the chart but the question's lines, and a margin below it

BIG_TYPE_PX = (20, 34)  # option names and values on the projector: no smaller, no larger
BIG_STEP_PX = (30, 84)  # an option's band on the projector: with many options, with few
VEGA_PADDING_PX = 8  # what Vega adds around a chart (measured)


@dataclass(frozen=True)
class BarLayout:
    """How a result's bars are laid out: `step` pixels per option (bar and gap), type sizes,
    and what that makes in height. On the projector the axis under the bars is its line and
    title only: every bar has its value written at its end, in larger type than axis numbers."""

    options: int
    step: int
    label_size: int  # option names and the values written at the bar ends
    axis_size: int  # the axis title (and numbers, when shown)
    axis_numbers: bool = True

    @property
    def bar(self) -> int:
        return round(self.step * BAR_SHARE)

    @property
    def height(self) -> int:
        """The bars' part of the chart."""
        return self.step * self.options

    @property
    def axis_height(self) -> int:
        """The axis under the bars (its numbers, its title, the space around them) and Vega's
        padding."""
        return (2 if self.axis_numbers else 1) * self.axis_size + 18 + VEGA_PADDING_PX

    @property
    def total(self) -> int:
        return self.height + self.axis_height


def question_lines(question: str) -> int:
    """Lines the question takes on the projector (an estimate: words are not split)."""
    return max(1, len(textwrap.wrap(question, QUESTION_LINE_CHARS)))


def projector_room(question: str) -> int:
    """Pixels left for the chart, axis included, on a 1280×720 projector's live screen."""
    return PROJECTOR_HEIGHT_PX - ABOVE_CHART_PX - QUESTION_LINE_PX * question_lines(question)


def bar_layout(options: int, *, big: bool = False, room: int | None = None) -> BarLayout:
    """Bars for `options` options. On a laptop screen every band is the same; on the projector
    (`big`) the bands share `room` pixels, within readable limits: with very many options (or
    a very long question) the chart grows taller than the room rather than the type getting
    too small to read from the back."""
    n = max(options, 1)
    if not big:
        return BarLayout(n, step=36, label_size=14, axis_size=12)
    frame = BarLayout(n, 0, 0, axis_size=BIG_TYPE_PX[0], axis_numbers=False)
    available = (room if room is not None else PROJECTOR_HEIGHT_PX // 2) - frame.axis_height
    step = max(BIG_STEP_PX[0], min(BIG_STEP_PX[1], available // n))
    label_size = max(BIG_TYPE_PX[0], min(BIG_TYPE_PX[1], round(step * 0.78)))
    return BarLayout(n, step, label_size, frame.axis_size, axis_numbers=False)


def result_chart(ballot: Ballot, result: Result, *, big: bool = False) -> "alt.LayerChart":
    """Horizontal bars, best first, with the value written at the end of each bar, as tall as
    its options need (see `bar_layout`). `big` is for the projector: type readable from the
    back of a room, and the whole chart within a 1280×720 screen under the question."""
    import altair as alt
    import pandas as pd

    data = pd.DataFrame(result_bars(result), columns=["Option", "Value", "Shown", "Leading"])
    order = [r.label for r in result.rows]
    layout = bar_layout(len(order), big=big, room=projector_room(ballot.question) if big else None)
    gap = 1 - BAR_SHARE
    base = alt.Chart(data).encode(
        y=alt.Y("Option:N", sort=order, title=None,
                scale=alt.Scale(paddingInner=gap, paddingOuter=gap / 2),
                axis=alt.Axis(labelLimit=520 if big else 360, labelFontSize=layout.label_size, labelPadding=10,
                              labelColor="#000000", domainColor="#000000", ticks=False)),
        x=alt.X("Value:Q", title=value_title(ballot, result),
                axis=alt.Axis(labels=layout.axis_numbers, ticks=layout.axis_numbers, grid=layout.axis_numbers,
                              labelFontSize=layout.axis_size, titleFontSize=layout.axis_size, tickMinStep=1,
                              tickCount=5, labelPadding=4, titlePadding=6, domainColor="#000000",
                              labelColor="#000000", titleColor="#000000")),
    )
    bars = base.mark_bar(size=layout.bar).encode(
        color=alt.condition(alt.datum.Leading, alt.value(LEADING_COLOUR), alt.value(OTHER_COLOUR)),
        tooltip=["Option", "Shown"],
    )
    text = base.mark_text(align="left", dx=8, fontSize=layout.label_size, fontWeight="bold",
                          color="#000000").encode(text="Shown:N")
    # The height is the bars' own; "fit-x" lets the page set the width only, so the bars are
    # never squeezed to make room for the axis (Streamlit's default "fit" would).
    return (bars + text).properties(
        height=layout.height, background="#ffffff",
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def result_png(ballot: Ballot, result: Result) -> bytes | None:
    """The result as a picture for the report: the page's bars, drawn without Altair (see
    c4d.pictures); None when it cannot be drawn."""
    rows = [charts.BarRow.one(label, value, shown, LEADING_COLOUR if leading else OTHER_COLOUR)
            for label, value, shown, leading in result_bars(result)]
    return charts.bar_chart_png(rows, axis_title=value_title(ballot, result), whole_numbers=True)


# ---- results by sex and organisation type ------------------------------------------------

@dataclass
class Breakdown:
    headers: list[str]
    rows: list[list[Any]]
    small_groups: list[str] = field(default_factory=list)
    identified: int = 0


def disaggregation_table(ballot: Ballot, votes: list[Vote], participants: Iterable[Participant],
                         *, min_group: int = 0) -> Breakdown | None:
    """Options × groups (sex, organisation type, not identified), each column headed with
    its n. None when no voter identified themselves. Groups under `min_group` voters are
    left out (the report); groups under 5 are always named in `small_groups`."""
    people = {p.id: (p.sex, p.org_type) for p in participants}
    if not any(v.participant_id in people for v in votes):
        return None
    groups = disaggregate(ballot, votes, people)
    headers, columns, small, identified = ["Option"], [], [], 0
    for name, result in groups.items():
        n = result.turnout or 0
        if not name.startswith("Not identified"):
            identified += n if name.startswith("Sex:") else 0
        if n < SMALL_GROUP:
            small.append(f"{name} (n = {n})")
        if n < min_group:
            continue
        headers.append(f"{name} (n = {n})")
        columns.append({r.option_id: bar_value(result, r) for r in result.rows})
    rows = [[o.label] + [col.get(o.id, 0) for col in columns] for o in ballot.options]
    return Breakdown(headers, rows, small, identified)


# ---- what the phones show ------------------------------------------------------------------

def cards_conflict(store: "Store", ballot: Ballot, cards_required: bool) -> str | None:
    """Why phones may not vote on `ballot` with voter cards required (or not required):
    its votes so far were cast the other way, and mixing the two would let one person count
    twice (a vote from a phone cannot be told apart from its owner's card vote). None when
    they may."""
    votes = store.votes(ballot.id)
    by_card = sum(1 for v in votes if v.voter_key.startswith("card:"))
    # A phone's vote that carries a card's register entry is that person's: their card vote
    # replaces it (see c4d.phones.site). Only anonymous phone votes are in the way.
    by_phone = sum(1 for v in votes if not v.voter_key.startswith("card:") and v.participant_id is None)
    if cards_required and by_phone:
        return (f"{by_phone} {'phone has' if by_phone == 1 else 'phones have'} already voted on '{ballot.question}' "
                "without a card, and a card vote cannot replace a phone's vote. For a formal vote, create a new "
                "ballot (or a runoff) and require cards before opening it; or leave cards optional for this one.")
    if not cards_required and by_card:
        return (f"{by_card} card {'vote is' if by_card == 1 else 'votes are'} already counted on '{ballot.question}'; "
                "without cards, the same people could vote again from a phone. Keep cards required until this "
                "ballot is closed.")
    return None


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
                closed.append(store.save_ballot(close_ballot(other)))
        state = store.live_state(ballot.session_id)
        state = store.save_live_state(state.model_copy(update={"showing": Showing.ballot, "ballot_id": ballot.id}))
    return state, closed


def show_nothing(store: "Store", session_id: str) -> LiveState:
    """Phones show 'please wait'."""
    state = store.live_state(session_id)
    return store.save_live_state(state.model_copy(update={"showing": Showing.wait}))


def is_showing(state: LiveState, ballot: Ballot) -> bool:
    return state.showing is Showing.ballot and state.ballot_id == ballot.id


def projector_may_show_results(ballot: Ballot) -> bool:
    """The projector shows results once revealed, and while voting runs unless the
    facilitator hides them to avoid groupthink."""
    if ballot.results_revealed:
        return True
    return ballot.status is BallotStatus.open and not ballot.hide_live_results


# ---- adopting a result ------------------------------------------------------------------

def adopted_ids(store: "Store", campaign_id: str) -> dict[str, list[str]]:
    """Ballot id → ids of the decisions adopted from it."""
    adopted: dict[str, list[str]] = {}
    for decision in store.decisions(campaign_id):
        if decision.ballot_id:
            adopted.setdefault(decision.ballot_id, []).append(decision.id)
    return adopted


def standing(result: Result) -> tuple:
    """What a result says, to notice that it changed (a show of hands saved, more votes
    after a reopen): who leads, whether it is a tie, and every option's count."""
    return result.tie, tuple(result.winner_ids), tuple((r.option_id, r.score) for r in result.rows)


def proposed_choice(result: Result) -> list[str]:
    """The option(s) to propose for adoption: the leader; nothing when options are tied for
    first (the room settles a tie, or holds a runoff)."""
    return [] if result.tie else list(result.winner_ids)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def choice_against_result(result: Result, choice_ids: list[str]) -> str:
    """In words, how the options picked for adoption depart from the count: the leader (or
    every option tied for first) left out. Empty when the pick includes the leader, or one
    of the tied options; picking more than the leader (e.g. the top two areas) is fine."""
    if not choice_ids or not result.winner_ids:
        return ""
    leaders, picked = set(result.winner_ids), set(choice_ids)
    if (leaders & picked) if result.tie else (leaders <= picked):
        return ""

    def with_value(option_ids: Iterable[str]) -> str:
        rows = [r for r in result.rows if r.option_id in set(option_ids)]
        return _and([f"{r.label} ({_num(bar_value(result, r))})" for r in rows])

    chosen = [o for o in choice_ids if o not in leaders]
    if result.tie:
        first = f"The count has {with_value(result.winner_ids)} tied for first, and you picked {with_value(chosen)}."
    else:
        first = f"The count puts {with_value(result.winner_ids)} first, but you picked {with_value(chosen)}."
    return first + (" Adopt this only if the group decided on it anyway, and write why: the decision will "
                    "show the count beside your choice.")


def adopt(store: "Store", ballot: Ballot, result: Result, choice_ids: list[str] | None = None, *,
          rationale: str = "", eligible_count: int | None = None,
          topic: DecisionTopic | None = None) -> Decision:
    """Record the result as the campaign's decision (with method, turnout, eligible voters,
    breakdown and session) and remember the ballot it came from."""
    if ballot.status is BallotStatus.open:
        raise ValueError("Close the ballot before adopting its result, so the count is final.")
    if topic is not None and topic is not ballot.topic:
        ballot = ballot.model_copy(update={"topic": topic})
    decision = decision_from_result(ballot, result, choice_ids, rationale=rationale, eligible=eligible_count)
    if decision.eligible is not None and decision.turnout is not None and decision.turnout > decision.eligible:
        decision = decision.model_copy(update={"eligible": None})  # walk-ins voted: the register is short
    return store.add_decision(decision)


# ---- voter cards ------------------------------------------------------------------------

def make_cards(store: "Store", session: Session, participants: list[Participant], spares: int = 0) -> list[VoterCard]:
    """One card for each registered participant who has none yet, plus `spares` cards not
    tied to anyone (for people who arrive late). Codes are unique in the session."""
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


def card_name(card: VoterCard, people: dict[str, Participant]) -> str:
    """The name printed on a card: only with the person's consent to be listed."""
    person = people.get(card.participant_id or "")
    if person is not None and person.consent_to_list and person.name:
        return person.name
    return ""


def cards_sheet_html(campaign: Campaign, session: Session, cards: list[VoterCard],
                     participants: list[Participant], join_url: str = "") -> str:
    """A printable A4 sheet of voter cards (cut along the lines). Each card carries the
    code and, only when the person agreed to be listed, their name. Self-contained HTML:
    no scripts, fonts or pictures from elsewhere."""
    people = {p.id: p for p in participants}
    esc = html.escape
    cells = []
    for card in cards:
        name = card_name(card, people)
        name_html = f'<div class="name">{esc(name)}</div>' if name else '<div class="name blank">Name:</div>'
        cells.append(
            '<div class="card">'
            f'<div class="what">{esc(session.title)} · voter card</div>'
            f'<div class="code">{esc(card.code)}</div>{name_html}'
            + (f'<div class="how">Open {esc(join_url)} and type this code when asked.</div>' if join_url else
               '<div class="how">Type this code on your phone when asked.</div>')
            + '<div class="how">Keep it to yourself: it is your vote.</div></div>'
        )
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{esc(campaign.name)} · voter cards · {esc(session.title)}</title>"
        "<style>@page{size:A4;margin:10mm}body{font-family:sans-serif;margin:0}"
        ".grid{display:grid;grid-template-columns:1fr 1fr;gap:0}"
        ".card{border:1px dashed #555;padding:6mm;height:52mm;box-sizing:border-box;page-break-inside:avoid}"
        ".what{font-size:10pt;color:#333}.code{font:bold 30pt monospace;letter-spacing:4pt;margin:3mm 0}"
        ".name{font-size:13pt;min-height:7mm}.blank{color:#555;border-bottom:1px solid #999}"
        ".how{font-size:9pt;color:#333;margin-top:1mm}</style></head><body>"
        f"<div class=\"grid\">{''.join(cells)}</div></body></html>"
    )


# ---- the worksheet ------------------------------------------------------------------------

def _cell(value: Any) -> str:
    """A table cell for the report: '–' for nothing, numbers without needless decimals."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return _num(value)
    return str(value)


def _decision_line(decision: Decision) -> str:
    return f"{decision.topic.label}: {decision.choice}"


class VotingWorksheet:
    """Status of PPCD voting for a campaign:

    - not started: no ballot in any session;
    - in progress: ballots exist, and a ballot is still a draft or open, or one of the
      four PPCD decisions (trend, target group, area, media) has no decision in force;
    - done: every ballot is closed and all four PPCD decisions are taken. A decision
      recorded by hand counts too: some rooms vote on paper for one topic, and the point
      of the worksheet is that the PPCD's choices are settled and recorded.
    """

    key = "voting"
    title = "PPCD voting"
    p_step = PStep.analysis
    roadshow_step = RoadshowStep.ppcd
    page = "worksheets/voting.py"
    icon = ":material/how_to_vote:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        # Imported here so that importing this module does not register the decisions
        # worksheet ahead of this one (the registry keeps the order of registration).
        from c4d.decisions.worksheet import PPCD_TOPICS, latest_by_topic

        ballots = store.campaign_ballots(campaign.id)
        if not ballots:
            return Progress(Status.not_started, "No ballot yet.",
                            "Prepare the PPCD ballots on the 'PPCD voting' page (templates for the four decisions).")
        taken = latest_by_topic(store.decisions(campaign.id))
        missing = [t for t in PPCD_TOPICS if t not in taken]
        open_ = [b for b in ballots if b.status is BallotStatus.open]
        drafts = [b for b in ballots if b.status is BallotStatus.draft]
        closed = [b for b in ballots if b.status is BallotStatus.closed]
        adopted = adopted_ids(store, campaign.id)
        detail = f"{len(ballots)} ballot{'s' if len(ballots) != 1 else ''}: {len(closed)} closed"
        if open_:
            detail += f", {len(open_)} open"
        if drafts:
            detail += f", {len(drafts)} draft"
        detail += "."
        if not open_ and not drafts and not missing:
            return Progress(Status.done, detail + " The four PPCD decisions are taken.")
        if open_:
            action = f"Close the vote on '{open_[0].question}' when everyone has voted, then adopt the result."
        elif unadopted := [b for b in closed if b.id not in adopted and (b.topic in missing)]:
            action = f"Adopt the result of '{unadopted[0].question}' as the campaign decision."
        elif missing:
            action = f"Hold the vote on: {missing[0].label.lower()}."
        else:
            action = f"Open the ballot '{drafts[0].question}', or delete it if it is not needed."
        return Progress(Status.in_progress, detail, action)

    def report_section(self, store: "Store", campaign: Campaign, session: Session, writer: "ReportWriter") -> bool:
        ballots = []
        for ballot in store.ballots(session.id):
            counted = tally(store, ballot)
            if ballot.status is BallotStatus.draft and counted.result is None:
                continue  # never used: nothing to report
            ballots.append(counted)
        if not ballots:
            return False
        participants = store.participants(session.id)
        decisions = {d.id: d for d in store.decisions(campaign.id)}
        adopted = adopted_ids(store, campaign.id)
        numbers = {t.ballot.id: i for i, t in enumerate(ballots, start=1)}

        writer.heading("Votes", 1)
        writer.paragraph("Each vote below shows the question, how it was counted, how many people took part "
                         "and the full result. Votes were anonymous unless participants used a voter card.")
        writer.table(["#", "Question", "Method", "Status", "Turnout"],
                     [[numbers[t.ballot.id], t.ballot.question, t.ballot.method.label, t.ballot.status.label,
                       eligible_for(session, participants, t.ballot).of(t.turnout)] for t in ballots],
                     widths_cm=[0.9, 7.2, 3.6, 2.2, 3.6])
        for t in ballots:
            ballot, result = t.ballot, t.result
            writer.heading(f"{numbers[ballot.id]}. {ballot.question}", 2)
            facts = [ballot.method.label, ballot.status.label.lower(),
                     eligible_for(session, participants, ballot).of(t.turnout)]
            if ballot.runoff_of in numbers:
                facts.append(f"runoff after vote {numbers[ballot.runoff_of]}")
            writer.note(" · ".join(facts))
            if result is None:
                writer.paragraph(t.problem or "No votes were cast.")
                continue
            writer.paragraph(describe_result(result), bold=True)
            png = result_png(ballot, result)
            if png:
                writer.image(png, width_cm=15.0, max_height_cm=11.0)
            headers, rows = result_table(ballot, result)
            writer.table(headers, [[_cell(v) for v in row] for row in rows])
            if rounds := rounds_table(result):
                writer.heading("Rounds of counting", 3)
                writer.table(rounds[0], [[_cell(v) for v in row] for row in rounds[1]])
            for note in result.notes:
                writer.note(note)
            if t.hands is not None:
                writer.note("Counted by show of hands" + (f" ({t.hands.note})" if t.hands.note else "") + ".")
            breakdown = disaggregation_table(ballot, t.votes, participants, min_group=SMALL_GROUP)
            if breakdown is not None:
                writer.heading("By sex and type of organisation", 3)
                if len(breakdown.headers) > 1:
                    writer.table(breakdown.headers, [[_cell(v) for v in row] for row in breakdown.rows])
                writer.note(f"Only voters who used a voter card are counted by group. Groups of fewer than "
                            f"{SMALL_GROUP} voters are left out so no one's vote can be guessed.")
            chosen = [decisions[d] for d in adopted.get(ballot.id, []) if d in decisions]
            for decision in chosen:
                writer.paragraph(f"Adopted as the campaign decision — {_decision_line(decision)}.")
        return True


register(VotingWorksheet())
