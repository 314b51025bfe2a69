"""The one result chart (c4d.pictures.bar_chart), through the key decisions' breakdowns:
drawn by Vega to SVG (vl-convert, as the browser draws it), so a name hidden, cut or moved
off its bar, or a vote axis in fractions, fails here. The browser test
(tests/browser/test_result_charts_in_chromium.py) checks the same on the real pages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import vl_convert

from c4d import pictures
from c4d.decisions.pictures import tally_chart, tally_rows
from c4d.models import Decision, DecisionTopic, TallyRow

SVG = "{http://www.w3.org/2000/svg}"
# What Streamlit's own chart theme sets on every axis (streamlit/static .../CustomTheme):
# overlapping labels hidden, the first and last pushed inwards, labels cut at 100 px.
STREAMLIT_AXIS = {"labelOverlap": True, "labelFlush": True, "labelFlushOffset": 1, "labelBound": False,
                  "labelLimit": 100}
LONG = "Young men 18–30 planning to work in construction abroad on seasonal contracts"
EIGHT = ["Young women aged 18–27", LONG, "High-school girls", "Job seekers going abroad",
         "Herder families moving to the city", "Parents", "Teachers", "Bus drivers"]


def decision(options: list[str], votes: list[float], method: str = "Vote (single choice)", **fields) -> Decision:
    return Decision(campaign_id="c", topic=DecisionTopic.other, choice=options[0], method=method,
                    breakdown=[TallyRow(option=o, votes=v) for o, v in zip(options, votes)], **fields)


def drawn(chart, width: int) -> dict:
    """What Vega draws at `width` pixels with Streamlit's axis theme: the bars (top, height,
    what they say to a screen reader), the band axis' names (text, size, hidden?), the value
    axis' numbers and the words at the bar ends."""
    spec = chart.to_dict()
    spec["width"] = width
    spec["config"] = {**spec.get("config", {}), "axis": STREAMLIT_AXIS}
    root = ET.fromstring(vl_convert.vegalite_to_svg(spec))

    def words(text) -> str:
        return " ".join("".join(text.itertext()).split()) if not len(text) else " ".join(
            (span.text or "").strip() for span in text.iter(f"{SVG}tspan"))

    bars = []
    for path in root.iter(f"{SVG}path"):
        if path.get("aria-roledescription") == "bar":
            top, height = re.match(r"M[-\d.e]+,([-\d.e]+)h[-\d.e]+v([-\d.e]+)", path.get("d")).groups()
            bars.append((float(top), float(height), path.get("aria-label")))
    axes = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("aria-roledescription") == "axis":
            texts = [t for g in group.iter(f"{SVG}g") if "role-axis-label" in (g.get("class") or "")
                     for t in g.iter(f"{SVG}text")]
            axes[group.get("aria-label")[0]] = [(words(t), float(t.get("font-size").rstrip("px")), t.get("opacity"))
                                                for t in texts]
    ends = [(words(t), float(t.get("font-size").rstrip("px")))
            for g in root.iter(f"{SVG}g") if "role-mark" in (g.get("class") or "") for t in g.iter(f"{SVG}text")]
    return {"bars": sorted(bars), "names": axes.get("Y", []), "ticks": axes.get("X", []), "ends": ends}


@pytest.mark.parametrize("big,width", [(False, 700), (True, 1180)], ids=["page", "projector"])
@pytest.mark.parametrize("options", [EIGHT[:3], EIGHT], ids=["3 options", "8 options"])
def test_every_bar_has_its_name_beside_it_in_full(options, big, width):
    votes = list(range(len(options), 0, -1))
    seen = drawn(tally_chart(decision(options, votes), big=big), width)
    assert len(seen["bars"]) == len(options)
    assert [name for name, _, _ in seen["names"]] == options  # in the bars' order, none cut
    assert all(opacity != "0" for _, _, opacity in seen["names"])  # none hidden as "overlapping"
    for (_, _, said), option, n in zip(seen["bars"], options, votes):
        assert said == f"Option: {option}; Votes: {n}"


@pytest.mark.parametrize("top", [1, 2, 3, 4, 7, 12, 37, 250])
def test_a_vote_count_axis_counts_in_whole_votes(top):
    seen = drawn(tally_chart(decision(["A", "B", "C"], [top, top // 2, 0])), 700)
    ticks = [text for text, _, _ in seen["ticks"]]
    assert len(ticks) >= 2 and all(re.fullmatch(r"\d+", t) for t in ticks), ticks
    assert len(set(ticks)) == len(ticks) and int(ticks[-1]) >= top


def test_a_score_out_of_100_is_on_a_0_to_100_axis_named_as_a_score():
    chart = tally_chart(decision(["Factories", "Domestic servitude"], [59.38, 50.78],
                                 method="Criteria scoring (weighted)", ballot_id="b"))
    seen = drawn(chart, 700)
    assert [t for t, _, _ in seen["ticks"]] == ["0", "20", "40", "60", "80", "100"]
    assert [t for t, _ in seen["ends"]] == ["59.4", "50.8"]
    assert seen["bars"][0][2] == "Option: Factories; Votes: 59.4".replace("Votes", "Score out of 100")


@pytest.mark.parametrize("n", [2, 3, 5, 8, 12])
def test_on_the_projector_names_and_numbers_are_at_least_24px(n):
    options = [f"{EIGHT[i % len(EIGHT)]} {i}" for i in range(n)]
    seen = drawn(tally_chart(decision(options, list(range(n, 0, -1))), big=True), 1180)
    assert min(size for _, size, _ in seen["names"]) >= 24
    assert min(size for _, size in seen["ends"]) >= 24
    assert len(seen["names"]) == n


def test_a_name_too_long_for_three_lines_ends_in_an_ellipsis_and_the_bar_says_it_in_full():
    very_long = " ".join([LONG] * 2)  # 155 characters: over three lines of the names' column
    seen = drawn(tally_chart(decision([very_long, "Radio"], [3, 1])), 700)
    shown = seen["names"][0][0]
    assert shown.endswith("…") and very_long.startswith(shown[:-1].strip())
    assert very_long in seen["bars"][0][2]
    assert seen["names"][1][0] == "Radio"


def test_names_are_shown_as_typed_whatever_they_hold():
    odd = ['Say "no" \\ to {fake} jobs', "</script><b>x</b>", "ការជួញដូរមនុស្ស", "O'Brien's 'team'"]
    seen = drawn(tally_chart(decision(odd, [4, 3, 2, 1])), 700)
    assert [name for name, _, _ in seen["names"]] == odd


def test_the_option_decided_is_the_dark_bar_and_the_rows_go_most_first():
    d = decision(["Radio", "Television", "Events"], [3, 9, 4]).model_copy(update={"choice": "Television"})
    rows = tally_rows(d)
    assert [r.label for r in rows] == ["Television", "Events", "Radio"]
    assert [r.bars[0].colour for r in rows] == [pictures.BLUE, pictures.PALE_BLUE, pictures.PALE_BLUE]


def test_names_that_need_more_lines_get_taller_bands_never_overlapping_ones():
    one = pictures.name_lines([pictures.BarRow.one("Radio", 1)], big=True)[0]
    two = pictures.name_lines([pictures.BarRow.one(LONG, 1)], big=True)[0]
    assert two.lines > one.lines
    for layout in (one, two):
        assert layout.lines * layout.line_px <= layout.step


def test_two_options_with_the_same_name_keep_a_bar_and_a_name_each():
    seen = drawn(tally_chart(decision(["Radio", "Radio", "TV"], [5, 3, 1])), 700)
    assert len(seen["bars"]) == 3
    assert [name for name, _, _ in seen["names"]] == ["Radio", "Radio", "TV"]
