"""The result bars on the facilitator's page and the projector: drawn from the chart's own
spec (Vega-Lite rendered to SVG, as Streamlit would lay it out), so bars that overlap or a
chart taller than the projector's room fail here; and what the page says when the option
picked for adoption is not the one the count puts first."""

from __future__ import annotations

import re

import pytest
import vl_convert

from c4d.pictures import bar_layout
from c4d.voting.pictures import projector_room, result_chart
from c4d.voting.results import choice_against_result, proposed_choice, standing
from c4d.voting.counting import count
from c4d.voting.lifecycle import close_ballot, open_ballot
from c4d.voting.model import Ballot, BallotOption, HandCount, Vote

TWO_LINES = "Which form of trafficking should the campaign focus on first?"  # two lines on the projector
PROJECTOR_WIDTH = 1280 - 2 * 48  # the live screen's content width at 1280×720


def ballot(n: int, question: str = TWO_LINES) -> Ballot:
    return open_ballot(Ballot(campaign_id="c", session_id="s", question=question,
                              options=[BallotOption(id=f"o{i}", label=f"Option number {i + 1}") for i in range(n)]))


def result_of(b: Ballot, tallies: list[int]):
    votes = [Vote(ballot_id=b.id, voter_key=f"device:{option}:{k}", selections=[f"o{option}"])
             for option, times in enumerate(tallies) for k in range(times)]
    return count(close_ballot(b), votes)


def drawn(b: Ballot, result, *, big: bool) -> tuple[float, list[tuple[float, float]], list[float]]:
    """(the chart's whole height, (top, bottom) of each bar, font sizes of the option names),
    laid out as Streamlit lays out a chart that fills the page's width: a chart without its
    own `autosize` gets Streamlit's {"type": "fit"}, which squeezes everything into `height`."""
    spec = result_chart(b, result, big=big).to_dict()
    spec.setdefault("autosize", {"type": "fit", "contains": "padding"})
    spec["width"] = PROJECTOR_WIDTH
    svg = vl_convert.vegalite_to_svg(spec)
    height = float(re.search(r'<svg[^>]* height="([\d.]+)"', svg).group(1))
    bars = sorted((float(y), float(y) + float(h))
                  for y, h in re.findall(r'aria-roledescription="bar" d="M[-\d.e]+,([-\d.e]+)h[-\d.e]+v([\d.e]+)', svg))
    return height, bars, spec["layer"][0]["encoding"]["y"]["axis"]["labelFontSize"]


@pytest.mark.parametrize("big", [False, True])
@pytest.mark.parametrize("n", [2, 3, 5, 6, 7, 8])
def test_bars_never_overlap_whatever_their_number(n, big):
    b = ballot(n)
    height, bars, _ = drawn(b, result_of(b, [n - i for i in range(n)]), big=big)
    assert len(bars) == n
    gaps = [below[0] - above[1] for above, below in zip(bars, bars[1:])]
    assert min(gaps) >= 4, f"bars overlap or touch: {bars}"
    assert min(bottom - top for top, bottom in bars) >= 20  # a bar, not a line
    assert bars[-1][1] < height  # the last bar is inside the chart, above its axis


def test_a_runoff_of_two_is_drawn_as_two_separate_bars_on_the_projector():
    b = ballot(2, "Runoff: whose behaviour should the campaign change or protect first?")
    height, (first, second), font = drawn(b, result_of(b, [12, 9]), big=True)
    assert second[0] - first[1] >= 12
    assert font >= 30  # two options: big type for the back of the room


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_the_whole_chart_fits_the_projector_under_a_two_line_question(n):
    b = ballot(n)
    height, bars, font = drawn(b, result_of(b, [n - i for i in range(n)]), big=True)
    assert height <= projector_room(TWO_LINES), f"{n} options: {height}px, room for {projector_room(TWO_LINES)}px"
    assert font >= 20  # still readable from the back of a room


def test_the_chart_grows_with_its_options_and_each_option_keeps_its_band():
    heights = []
    for n in (2, 4, 6, 8):
        b = ballot(n)
        height, bars, _ = drawn(b, result_of(b, [n - i for i in range(n)]), big=False)
        heights.append(height)
    assert heights == sorted(heights) and len(set(heights)) == 4
    assert bar_layout(8).height == 4 * bar_layout(2).height


def test_a_longer_question_leaves_less_room_and_the_bands_share_it():
    assert projector_room("Where?") > projector_room(TWO_LINES) > projector_room(TWO_LINES + " " + TWO_LINES)
    few, many = (bar_layout(n, big=True, room=projector_room(TWO_LINES)) for n in (2, 6))
    assert few.step > many.step and few.label_size > many.label_size
    assert many.bar < many.step  # a gap between bars, always


def test_very_many_options_keep_readable_type_rather_than_fit():
    layout = bar_layout(15, big=True, room=projector_room(TWO_LINES))
    assert layout.label_size >= 20 and layout.total > projector_room(TWO_LINES)


# ---- the option picked for adoption against the count ----------------------------------------------
def test_the_leader_is_proposed_and_a_tie_proposes_nothing():
    b = ballot(3, "Who first?")
    assert proposed_choice(result_of(b, [1, 5, 2])) == ["o1"]
    assert proposed_choice(result_of(b, [4, 4, 2])) == []


def test_a_pick_without_the_leader_is_named_with_the_counts():
    b = ballot(3, "Who first?")
    result = result_of(b, [2, 0, 12])
    assert choice_against_result(result, ["o2"]) == ""
    assert choice_against_result(result, ["o2", "o0"]) == ""  # the leader and another: the top two
    said = choice_against_result(result, ["o0"])
    assert said.startswith("The count puts Option number 3 (12) first, but you picked Option number 1 (2).")


def test_with_a_tie_any_tied_option_is_a_fair_pick_and_another_is_named():
    b = ballot(3, "Who first?")
    result = result_of(b, [4, 4, 1])
    assert choice_against_result(result, ["o1"]) == ""
    said = choice_against_result(result, ["o2"])
    assert "Option number 1 (4) and Option number 2 (4) tied for first" in said and "Option number 3 (1)" in said


def test_the_standing_changes_when_a_show_of_hands_changes_the_count():
    b = ballot(3, "Who first?")
    votes = [Vote(ballot_id=b.id, voter_key="device:1", selections=["o0"])]
    closed = close_ballot(b)
    before = count(closed, votes)
    after = count(closed, votes, HandCount(ballot_id=b.id, counts={"o2": 12, "o0": 2}))
    assert standing(before) == standing(count(closed, votes))
    assert standing(before) != standing(after) and proposed_choice(after) == ["o2"]
