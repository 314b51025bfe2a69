"""Report pictures: the bar charts drawn as SVG, their PNGs, and the picture memory."""

from __future__ import annotations

import re
import struct
import xml.dom.minidom
from collections import OrderedDict

import pytest
import vl_convert
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from c4d import pictures as charts
from c4d.pictures import CHART_WIDTH, Bar, BarRow, axis_ticks, bar_chart_png, bar_chart_svg, svg_png

PNG = b"\x89PNG\r\n\x1a\n"


def bars(svg: str) -> list[tuple[float, str]]:
    """(width, fill) of every bar, top to bottom (the bars are the only filled rects
    without a corner radius besides the white background)."""
    found = re.findall(r'<rect x="[\d.]+" y="([\d.]+)" width="([\d.]+)" height="[\d.]+" fill="(#[0-9a-f]{6})"/>', svg)
    return [(float(w), fill) for _y, w, fill in found]


def words(svg: str) -> list[str]:
    return re.findall(r">([^<>]+)</tspan>", svg)


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG)
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def fresh_memory(monkeypatch):
    monkeypatch.setattr(charts, "_CACHE", OrderedDict())


def test_bars_are_in_order_proportional_and_keep_their_colours():
    svg = bar_chart_svg([BarRow.one("First", 20, "20", "#0b5cad"), BarRow.one("Second", 10, "10", "#8fb3d9"),
                         BarRow.one("None", 0, "0", "#8fb3d9")], axis_title="Votes", whole_numbers=True)
    (first, c1), (second, c2) = bars(svg)  # a zero bar draws no rectangle
    assert (c1, c2) == ("#0b5cad", "#8fb3d9")
    assert first == pytest.approx(2 * second, rel=0.01)
    text = words(svg)
    assert text.index("First") < text.index("Second") < text.index("None")
    assert {"20", "10", "0", "Votes"} <= set(text)
    assert [t for t in text if t in {"0", "5", "10", "15", "20"}][:5] == ["0", "5", "10", "15", "20"]  # the axis


def test_user_text_is_escaped_and_long_labels_wrap_to_two_lines():
    long = "Social media, with a chatbot and outdoor media at transit points and in every dormitory of the city"
    svg = bar_chart_svg([BarRow.one("<script>alert(1)</script>", 3, "3"), BarRow.one(long, 5, "5 & more")])
    xml.dom.minidom.parseString(svg)
    assert "<script" not in svg and "&lt;script&gt;" in svg and "5 &amp; more" in svg
    lines = [t for t in words(svg) if t.startswith("Social") or t.endswith("…") or "chatbot" in t or "transit" in t]
    assert 1 < len(lines) <= 2 and lines[-1].endswith("…")


def test_threshold_and_legend():
    rows = [BarRow("Appeal", (Bar(40, "40% (n = 9)", "#0b5cad"), Bar(80, "80% (n = 9)", "#7b1fa2")))]
    svg = bar_chart_svg(rows, ticks=(0, 20, 40, 60, 80, 100), threshold=70, threshold_label="threshold 70%",
                        legend=[("Slogan A (v1)", "#0b5cad"), ("Slogan B (v1)", "#7b1fa2")])
    assert "threshold 70%" in words(svg)
    assert {"Slogan A (v1)", "Slogan B (v1)"} <= set(words(svg))
    [dashed] = re.findall(r'<line x1="([\d.]+)"[^>]*stroke-dasharray', svg)
    ticks = {t: float(x) for x, t in re.findall(r'<text x="([\d.]+)"[^>]*><tspan[^>]*>(\d+)</tspan>', svg)
             if t in {"60", "80"}}
    assert ticks["60"] < float(dashed) < ticks["80"]
    (a, _), (b, _) = bars(svg)
    assert b == pytest.approx(2 * a, rel=0.01)


@pytest.mark.parametrize("top, whole, expected", [
    (25, True, [0, 5, 10, 15, 20, 25]),
    (19, True, [0, 5, 10, 15, 20]),
    (4, True, [0, 1, 2, 3, 4]),
    (0, True, [0, 1]),
    (0.7, False, [0, 0.2, 0.4, 0.6, 0.8]),
    (63.3, False, [0, 20, 40, 60, 80]),
    (5e-324, False, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),  # too small to show: an axis from 0 to 1
])
def test_axis_ticks_are_round_and_reach_the_longest_bar(top, whole, expected):
    assert axis_ticks(top, whole) == pytest.approx(expected)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.text(max_size=80), st.floats(0, 1e6, allow_nan=False), st.text(max_size=30)),
                min_size=1, max_size=12))
def test_any_rows_draw_as_valid_xml_inside_the_picture(rows):
    svg = bar_chart_svg([BarRow.one(label, value, shown) for label, value, shown in rows])
    xml.dom.minidom.parseString(svg)
    assert all(0 <= width <= CHART_WIDTH for width, _ in bars(svg))


def test_png_is_sharp_and_nothing_is_drawn_for_no_rows(fresh_memory):
    data = bar_chart_png([BarRow.one("Radio", 3, "3")], axis_title="Votes")
    width, _height = png_size(data)
    assert width == 2 * CHART_WIDTH
    assert bar_chart_png([]) is None


def test_a_picture_is_drawn_once_per_process_and_the_memory_can_be_emptied(fresh_memory, monkeypatch):
    calls = []
    real = vl_convert.svg_to_png
    monkeypatch.setattr(vl_convert, "svg_to_png", lambda svg, scale=1.0: calls.append(scale) or real(svg, scale=scale))
    svg = bar_chart_svg([BarRow.one("Radio", 3, "3")])
    first = svg_png(svg, scale=2.0)
    assert svg_png(svg, scale=2.0) == first and calls == [2.0]
    svg_png(svg, scale=1.0)  # another size is another picture
    assert calls == [2.0, 1.0]
    charts._CACHE.clear()  # what the report benchmark does before each run
    svg_png(svg, scale=2.0)
    assert calls == [2.0, 1.0, 2.0]


def test_the_memory_stays_within_its_budget(fresh_memory, monkeypatch):
    monkeypatch.setattr(charts, "CACHE_BYTES", 1000)
    monkeypatch.setattr(vl_convert, "svg_to_png", lambda svg, scale=1.0: PNG + b"\0" * 392)
    for n in range(5):
        svg_png(f"<svg n='{n}'/>")
    assert len(charts._CACHE) == 2 and sum(len(v) for v in charts._CACHE.values()) <= 1000


def test_a_failing_renderer_gives_no_picture(fresh_memory, monkeypatch):
    monkeypatch.setattr(vl_convert, "svg_to_png", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    assert bar_chart_png([BarRow.one("Radio", 3, "3")]) is None
    assert not charts._CACHE


def test_importing_the_charts_does_not_load_the_word_library():
    """Every worksheet imports this module when the app starts; python-docx loads only
    when a picture is drawn."""
    import subprocess
    import sys

    script = "import sys, c4d.pictures; print('docx' in sys.modules, 'vl_convert' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["False", "False"], done.stderr
