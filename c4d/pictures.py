"""Charts and drawings as PNG for Word documents, drawn on this laptop (no network).

Every picture in a report is an SVG drawn in Python (the bar charts here, the audience
drawings in `c4d.audience.pictures`) and turned into a PNG by `svg_png`, which uses
vl-convert's SVG renderer (resvg). That renderer needs no JavaScript engine. Reports
used to render Altair charts with vl-convert's Vega-Lite engine, which took 0.5–1 s to
start in every new process (holding Python's interpreter lock) and needed Altair and
pandas imported (another 0.4 s), so the report took over 3 s from the command line.
The pages draw the same rows (`BarRow`) as Altair charts, all built by `bar_chart` (one
layout for every result chart, with the projector's sizing as a parameter); a report draws
the same figures (the same rows, order, colours and numbers) as a still picture.

Text widths are estimated for DejaVu Sans (`text_width`, a little generous, so text
stays inside its space in the narrower Liberation Sans or Arial too); resvg finds the
fonts installed on the laptop and falls back per character for other scripts. User text
is escaped for XML (`esc`).

Pictures drawn in this process are remembered by their SVG (up to `CACHE_BYTES`, in
memory only): the report page writes every section once to list what the report holds,
and the download that follows then draws nothing twice. The first export in a process
draws everything.
"""

from __future__ import annotations

import functools
import hashlib
import html
import logging
import math
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import altair as alt

log = logging.getLogger(__name__)

# Quoted family names: vl-convert's renderer (usvg) reads only quoted multi-word names.
FONT = "'DejaVu Sans', 'Liberation Sans', 'Noto Sans', Arial, sans-serif"
INK = "#111111"
GRID = "#dddddd"
BLUE = "#0b5cad"
PALE_BLUE = "#8fb3d9"  # the other options, beside the leading one in BLUE

CACHE_BYTES = 48 * 1024 * 1024
_CACHE: OrderedDict[str, bytes] = OrderedDict()
_LOCK = threading.Lock()


# ---- SVG to PNG ------------------------------------------------------------------------------
def svg_png(svg: str, scale: float = 1.0) -> bytes | None:
    """An SVG drawing as PNG bytes, rendered on this laptop. None when the renderer is
    missing or fails, so a document still exports with its tables."""
    key = hashlib.sha256(f"{scale}|{svg}".encode()).hexdigest()
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    try:
        import vl_convert as vlc
    except ImportError:
        return None
    try:
        data = vlc.svg_to_png(svg, scale=scale)
    except Exception:  # a renderer problem must not cost the facilitator the document
        log.exception("A picture could not be rendered")
        return None
    with _LOCK:
        _CACHE[key] = data
        while sum(len(v) for v in _CACHE.values()) > CACHE_BYTES and len(_CACHE) > 1:
            _CACHE.popitem(last=False)
    return data


# ---- text: escaping, measuring, wrapping ------------------------------------------------------
def _xml_safe(text: str) -> str:
    # The report writer's one sanitiser, imported when a picture is drawn: importing this
    # module (every worksheet does, at start-up) does not load python-docx.
    from c4d.report_writer import xml_safe

    return xml_safe(text)


def esc(text: str) -> str:
    return html.escape(_xml_safe(text), quote=True)


@functools.lru_cache(maxsize=4096)
def _em(ch: str) -> float:
    """A character's width in em, roughly."""
    if unicodedata.east_asian_width(ch) in "WF":
        return 1.0
    if ch in "●○":
        return 0.84
    if ch in "il.,:;'|!()[] ":
        return 0.34
    if ch.isupper() or ch in "mwMW@%шщжюыфм":
        return 0.78
    return 0.63


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Roughly how wide the text is drawn in DejaVu Sans (a little generous, so text
    stays inside its box in narrower fonts too)."""
    return sum(map(_em, text)) * size * (1.1 if bold else 1.0)


def wrap(text: str, size: float, width: float, max_lines: int, bold: bool = False) -> list[str]:
    """Greedy word wrap into at most `max_lines` lines; what does not fit ends in '…'.
    Each character is measured once, and nothing past the last line is laid out, so a
    long run without spaces (Thai, Khmer, a pasted link) costs no more than its length.
    The text is made safe for XML first (see `wrap_words` for text that is not drawn as
    XML here)."""
    return wrap_words(_xml_safe(text), size, width, max_lines, bold)


def wrap_words(text: str, size: float, width: float, max_lines: int, bold: bool = False) -> list[str]:
    """`wrap` without the XML clean-up (which loads the report writer): for a page's chart,
    where Vega draws the text."""
    limit = width / (size * (1.1 if bold else 1.0))  # the line's width in em
    space = _em(" ")
    lines: list[str] = []
    current, current_em = "", 0.0
    for word in " ".join(text.split()).split(" "):
        if len(lines) > max_lines:
            break  # already more than fits: the rest is cut
        widths = [_em(ch) for ch in word]
        word_em = sum(widths)
        while word_em > limit and len(lines) <= max_lines:  # longer than a line: cut it
            cut, used = 1, widths[0]
            while cut < len(word) and used + widths[cut] <= limit:
                used += widths[cut]
                cut += 1
            if current:
                lines.append(current)
                current, current_em = "", 0.0
            lines.append(word[:cut])
            word, widths, word_em = word[cut:], widths[cut:], word_em - used
        joined_em = current_em + (space if current else 0.0) + word_em
        if joined_em <= limit:
            current, current_em = f"{current} {word}".strip(), joined_em
        else:
            lines.append(current)
            current, current_em = word, word_em
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_width(last + "…", size, bold) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines or [""]


def text_element(x: float, y: float, lines: list[str], size: float, *, bold: bool = False, fill: str = INK,
                 anchor: str = "start", italic: bool = False, line_height: float = 1.22,
                 halo: str | None = None) -> str:
    """An SVG <text> with one <tspan> per line; `y` is the first line's baseline. `halo`
    outlines the letters in that colour, so they stay readable over a line."""
    weight = ' font-weight="bold"' if bold else ""
    style = ' font-style="italic"' if italic else ""
    if halo:
        style += f' stroke="{halo}" stroke-width="4" stroke-linejoin="round" paint-order="stroke"'
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else size * line_height:.1f}">{esc(line)}</tspan>'
        for i, line in enumerate(lines))
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size:.1f}"{weight}{style} '
            f'fill="{fill}" text-anchor="{anchor}">{spans}</text>')


# ---- bar charts -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Bar:
    """One bar: its length in axis units, the words written at its end, its colour."""

    value: float
    text: str = ""
    colour: str = BLUE


@dataclass(frozen=True)
class BarRow:
    """One category on the vertical axis, with one bar or, side by side, one per series."""

    label: str
    bars: tuple[Bar, ...]

    @classmethod
    def one(cls, label: str, value: float, text: str = "", colour: str = BLUE) -> "BarRow":
        return cls(label, (Bar(value, text, colour),))


CHART_WIDTH = 760
LABEL_SIZE = 15


def axis_ticks(top: float, whole_numbers: bool = False) -> list[float]:
    """Round tick values from 0 to at least `top`: steps of 1, 2 or 5 times a power of
    ten, about five of them (whole steps only, when the values are counts)."""
    top = top if 1e-9 < top < 1e300 else 1.0  # nothing to show (or nonsense): an axis from 0 to 1
    raw = top / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    if whole_numbers:
        step = max(1.0, float(round(step)))
    count = max(1, math.ceil(top / step - 1e-9))
    return [round(i * step, 10) for i in range(count + 1)]


def bar_chart_svg(rows: Sequence[BarRow], *, axis_title: str = "", ticks: Sequence[float] | None = None,
                  whole_numbers: bool = False, threshold: float | None = None, threshold_label: str = "",
                  legend: Sequence[tuple[str, str]] = (), width: int = CHART_WIDTH,
                  size: float = LABEL_SIZE) -> str:
    """Horizontal bars in the given order, the labels on the left (up to two lines), the
    words of each bar at its end, an axis with round ticks and light grid lines below.
    `ticks` fixes the axis (e.g. 0–100 for shares); `threshold` draws a dashed line with
    `threshold_label` above it; `legend` is (name, colour) per series, shown on top."""
    small = size - 2
    pad = 8.0
    series = max((len(r.bars) for r in rows), default=1) or 1
    thickness = 24.0 if series == 1 else 15.0
    group = series * thickness + (series - 1) * 2
    value_room = max((text_width(b.text, small, True) for r in rows for b in r.bars), default=0.0) + 10

    # The label column takes what it needs, up to 42% of the width; longer labels wrap.
    limit = width * 0.42
    labels = [wrap(r.label, size, limit, 2) for r in rows]
    label_w = max((text_width(line, size) for lines in labels for line in lines), default=0.0)
    label_w = min(label_w, limit)
    x0 = pad + label_w + 10
    x1 = width - pad - value_room
    if x1 - x0 < width * 0.3:  # very long bar texts: keep a readable plot
        x1 = x0 + width * 0.3

    # The legend (one line per row of names) and the threshold's words sit above the bars.
    legend_rows: list[list[tuple[float, str, str]]] = []
    x = pad
    for name, colour in legend:
        shown = wrap(name, small, width * 0.45, 1)[0]
        item = 14 + 6 + text_width(shown, small) + 18
        if legend_rows and x + item <= width - pad:
            legend_rows[-1].append((x, shown, colour))
        else:
            x = pad
            legend_rows.append([(x, shown, colour)])
        x += item
    top = pad + len(legend_rows) * size * 1.5 + (small * 1.6 if threshold is not None and threshold_label else 0) + 4

    row_heights = [max(group, len(lines) * size * 1.2) + 14 for lines in labels]
    plot_h = sum(row_heights)
    bottom = top + plot_h
    height = bottom + 8 + small * 1.3 + (small * 1.7 if axis_title else 0) + pad

    values = [b.value for r in rows for b in r.bars] + ([threshold] if threshold is not None else [])
    scale = list(ticks) if ticks else axis_ticks(max(values, default=0.0), whole_numbers)
    lowest, highest = scale[0], scale[-1]
    span = (highest - lowest) or 1.0

    def at(value: float) -> float:
        return x0 + (min(max(value, lowest), highest) - lowest) / span * (x1 - x0)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" '
             f'viewBox="0 0 {width} {height:.0f}" role="img">',
             f'<rect width="{width}" height="{height:.0f}" fill="#ffffff"/>']
    for n, items in enumerate(legend_rows):
        y = pad + n * size * 1.5
        for lx, name, colour in items:
            parts.append(f'<rect x="{lx:.1f}" y="{y + 1:.1f}" width="14" height="14" rx="2" fill="{colour}"/>')
            parts.append(text_element(lx + 20, y + 13, [name], small))
    for tick in scale:
        tx = at(tick)
        parts.append(f'<line x1="{tx:.1f}" y1="{top:.1f}" x2="{tx:.1f}" y2="{bottom:.1f}" stroke="{GRID}" '
                     f'stroke-width="1"/>')
        parts.append(f'<line x1="{tx:.1f}" y1="{bottom:.1f}" x2="{tx:.1f}" y2="{bottom + 5:.1f}" stroke="{INK}" '
                     f'stroke-width="1"/>')
        parts.append(text_element(tx, bottom + 6 + small, [f"{tick:g}"], small, anchor="middle"))
    if threshold is not None:  # under the bars and their words
        tx = at(threshold)
        parts.append(f'<line x1="{tx:.1f}" y1="{top - 4:.1f}" x2="{tx:.1f}" y2="{bottom:.1f}" stroke="#000000" '
                     f'stroke-width="2" stroke-dasharray="6 4"/>')
        if threshold_label:
            parts.append(text_element(tx + 4, top - 8, [threshold_label], small))
    words = []
    y = top
    for row, lines, row_h in zip(rows, labels, row_heights):
        middle = y + row_h / 2
        first = middle - (len(lines) - 1) * size * 1.2 / 2 + size * 0.35
        parts.append(text_element(x0 - 10, first, lines, size, anchor="end", line_height=1.2))
        by = middle - group / 2
        for bar in row.bars:
            end = at(bar.value)
            if end > x0:
                parts.append(f'<rect x="{x0:.1f}" y="{by:.1f}" width="{end - x0:.1f}" height="{thickness:.1f}" '
                             f'fill="{bar.colour}"/>')
            if bar.text:
                words.append(text_element(end + 6, by + thickness / 2 + small * 0.36, [bar.text], small, bold=True,
                                          halo="#ffffff"))
            by += thickness + 2
        y += row_h
    parts.extend(words)  # over every bar, so a neighbouring bar never hides them
    parts.append(f'<line x1="{x0:.1f}" y1="{top:.1f}" x2="{x0:.1f}" y2="{bottom:.1f}" stroke="{INK}" '
                 f'stroke-width="1.2"/>')
    parts.append(f'<line x1="{x0:.1f}" y1="{bottom:.1f}" x2="{x1:.1f}" y2="{bottom:.1f}" stroke="{INK}" '
                 f'stroke-width="1.2"/>')
    if axis_title:
        parts.append(text_element((x0 + x1) / 2, bottom + 8 + small * 1.3 + small * 1.4, [axis_title], small,
                                  bold=True, anchor="middle"))
    parts.append("</svg>")
    return "".join(parts)


def bar_chart_png(rows: Sequence[BarRow], *, scale: float = 2.0, **options) -> bytes | None:
    """`bar_chart_svg` as a PNG at `scale` (2: sharp when printed); None when the
    renderer fails or there are no bars."""
    if not rows:
        return None
    return svg_png(bar_chart_svg(rows, **options), scale=scale)


# ---- the same bars on the page and the projector (Altair; Vega draws them in the browser) ---------
#
# Every result chart on the pages is built by `bar_chart` from the rows a report draws as a picture,
# so a result reads the same everywhere. Each row gets a band of `step` pixels: its name on the
# left, centred on the band and wrapped to the lines it needs; its bar (or one bar per series) in
# BAR_SHARE of the band; the words of each bar at its end. The band is sized from the names' type
# and lines, so names can never overlap, and the chart sets every axis property Streamlit's theme
# would otherwise set for it (`labelOverlap` hides overlapping names, `labelFlush` pushes the first
# and last off their bars, `labelLimit` cuts them at 100 px).

BAR_SHARE = 0.72  # of each row's band; the rest is the gap between bars
LINE_HEIGHT = 1.2  # of a name's lines, in font sizes
NAME_LINES = 3  # a name longer than this many lines of its column ends in '…' (the tooltip has it all)
NAME_SHARE = 0.5  # of the chart's width, at most, for the names' column, measured by `text_width`
# (DejaVu Sans, generous): in the page's narrower Source Sans the names take about 40% of it.
PAGE_CHART_PX = 700  # about the width a chart gets on a facilitator's page at 1280 px, sidebar open
PROJECTOR_CHART_PX = 1100  # about the width a chart gets in projector mode at 1280 px
PAGE_TYPE_PX, PAGE_AXIS_PX, PAGE_STEP_PX = 14, 12, 36
BIG_TYPE_PX = (24, 34)  # names and values on the projector: no smaller (back of the room), no larger
BIG_STEP_PX = 84  # a row's band on the projector with few rows and a short name
BAR_MIN_PX = (14, 22)  # one series' bar, at least: on the page, on the projector
VEGA_PADDING_PX = 8  # what Vega adds around a chart (measured)


@dataclass(frozen=True)
class BarLayout:
    """How rows of bars are laid out: `step` pixels per row (bars and gap), the type sizes,
    the lines a name may take, and what that makes in height. On the projector a count's axis
    is its line and title only: every bar has its value written at its end, in larger type."""

    options: int
    step: int
    label_size: int  # the names and the words at the bar ends
    axis_size: int  # the axis title (and numbers, when shown)
    axis_numbers: bool = True
    lines: int = 1

    @property
    def bar(self) -> int:
        return round(self.step * BAR_SHARE)

    @property
    def line_px(self) -> float:
        return self.label_size * LINE_HEIGHT

    @property
    def height(self) -> int:
        """The bars' part of the chart."""
        return self.step * self.options

    @property
    def axis_height(self) -> int:
        """The axis under the bars (its numbers, its title, the space around them) and Vega's padding."""
        return (2 if self.axis_numbers else 1) * self.axis_size + 18 + VEGA_PADDING_PX

    @property
    def total(self) -> int:
        return self.height + self.axis_height


def _step_for(size: float, lines: int, series: int, big: bool) -> int:
    """The smallest band that holds a name of `lines` lines and `series` bars side by side."""
    return math.ceil(max(lines * size * LINE_HEIGHT + 6, series * BAR_MIN_PX[big] / BAR_SHARE))


def bar_layout(options: int, *, big: bool = False, room: int | None = None, lines: int = 1,
               series: int = 1, axis_numbers: bool | None = None) -> BarLayout:
    """Bands for `options` rows whose names take up to `lines` lines. On the page every band is
    the same; on the projector (`big`) the bands share `room` pixels (chart and axis), within
    readable limits: with very many rows the chart grows taller than the room rather than the
    type getting too small to read from the back."""
    n, lines = max(options, 1), max(lines, 1)
    if not big:
        step = max(PAGE_STEP_PX, _step_for(PAGE_TYPE_PX, lines, series, big))
        return BarLayout(n, step, PAGE_TYPE_PX, PAGE_AXIS_PX, True if axis_numbers is None else axis_numbers, lines)
    numbers = False if axis_numbers is None else axis_numbers
    frame = BarLayout(n, 0, 0, axis_size=BIG_TYPE_PX[0], axis_numbers=numbers)
    available = (room if room is not None else 720 // 2) - frame.axis_height
    low = _step_for(BIG_TYPE_PX[0], lines, series, big)
    step = max(low, min(max(BIG_STEP_PX, _step_for(BIG_TYPE_PX[1], lines, series, big)), available // n))
    size = max(BIG_TYPE_PX[0], min(BIG_TYPE_PX[1], math.floor((step - 6) / (lines * LINE_HEIGHT))))
    return BarLayout(n, step, size, frame.axis_size, numbers, lines)


def name_lines(rows: Sequence[BarRow], *, big: bool = False, room: int | None = None,
               axis_numbers: bool | None = None) -> tuple[BarLayout, list[list[str]]]:
    """The layout and each row's name in lines: one line a name when every name fits its
    column so, else two, else three (a longer name ends in '…'). The names' type is sized
    for the lines, so a wrapped name is never smaller than the projector's minimum."""
    column = (PROJECTOR_CHART_PX if big else PAGE_CHART_PX) * NAME_SHARE
    series = max((len(r.bars) for r in rows), default=1) or 1
    smallest = BIG_TYPE_PX[0] if big else PAGE_TYPE_PX

    def fits(size: int, lines: int) -> bool:
        return all(len(wrap_words(r.label, size, column, lines + 1)) <= lines for r in rows)

    for lines in range(1, NAME_LINES + 1):
        layout = bar_layout(len(rows), big=big, room=room, lines=lines, series=series, axis_numbers=axis_numbers)
        # Fewer lines in somewhat smaller type read better than more lines (never below `smallest`).
        size = next((s for s in range(layout.label_size, smallest - 1, -2) if fits(s, lines)), None)
        if size is not None:
            layout = replace(layout, label_size=size)
            break
    return layout, [wrap_words(r.label, layout.label_size, column, layout.lines) for r in rows]


def _lookup(values: dict[str, object]) -> str:
    """A Vega expression literal for `values` (user text inside: JSON, ASCII only, is a valid
    and inert literal in Vega's expression language)."""
    import json

    return json.dumps(values, ensure_ascii=True)


def bar_chart(rows: Sequence[BarRow], *, axis_title: str = "", ticks: Sequence[float] | None = None,
              whole_numbers: bool = False, suffix: str = "", threshold: float | None = None,
              threshold_label: str = "", legend: Sequence[tuple[str, str]] = (), name_title: str = "Option",
              big: bool = False, room: int | None = None, axis_numbers: bool | None = None) -> alt.LayerChart:
    """Horizontal bars in the given order for a page (`big`: for the projector, type readable
    from the back of a room and the chart within `room` pixels where it can be), with the same
    options as `bar_chart_svg`: `ticks` fixes the axis (0–100 for shares and scores),
    `whole_numbers` counts in whole steps (votes, dots, points), `suffix` follows each axis
    number ('%'), `threshold` draws a dashed line, `legend` names the series of rows with
    several bars. Every row's name is on screen beside its bar; the full name and the bar's
    words are in its tooltip (under `name_title` and `axis_title`). Drawn as SVG, so what is
    on screen can be read by assistive technology and tests."""
    import altair as alt

    rows = list(rows)
    numbers = axis_numbers if axis_numbers is not None else (not big or ticks is not None)
    layout, names = name_lines(rows, big=big, room=room, axis_numbers=numbers)
    keys = [f"{i:03d}" for i in range(len(rows))]
    series = [name for name, _ in legend]
    value_title = axis_title or "Value"
    data = []
    for key, row in zip(keys, rows):
        for j, bar in enumerate(row.bars):
            name = series[j] if j < len(series) else ""
            said = [f"{name_title}: {row.label}"] + ([name] if len(series) > 1 else []) + [f"{value_title}: {bar.text}"]
            data.append({"Row": key, name_title: row.label, "Value": bar.value, "Shown": bar.text,
                         "Colour": bar.colour, "Series": name, "Said": "; ".join(said)})  # Said: for screen readers
    gap = 1 - BAR_SHARE
    column = (PROJECTOR_CHART_PX if big else PAGE_CHART_PX) * NAME_SHARE
    label = {"labelExpr": f"{_lookup(dict(zip(keys, names)))}[datum.value]", "labelLineHeight": layout.line_px}
    if max((len(n) for n in names), default=1) > 1:  # a name of several lines is centred on its band
        counts = _lookup({k: len(n) for k, n in zip(keys, names)})
        label["labelOffset"] = {"expr": f"-({counts}[datum.value] - 1) * {layout.line_px / 2:g}"}
    y = alt.Y("Row:N", sort=keys, title=None, scale=alt.Scale(paddingInner=gap, paddingOuter=gap / 2),
              axis=alt.Axis(labelFontSize=layout.label_size, labelLimit=round(column * 1.3) + 20, labelPadding=10,
                            labelColor="#000000", domainColor="#000000", ticks=False, labelOverlap=False,
                            labelFlush=False, labelBound=False, labelAngle=0, labelAlign="right",
                            labelBaseline="middle", description=f"{name_title}s: " + "; ".join(r.label for r in rows),
                            **label))
    if not ticks and whole_numbers:  # the report's round steps, whole ones: never 0.2 of a vote
        ticks = axis_ticks(max((b.value for r in rows for b in r.bars), default=0.0), whole_numbers=True)
    if ticks:
        scale = alt.Scale(domain=[ticks[0], ticks[-1]], nice=False, zero=False)
        numbers_axis: dict = {"values": list(ticks)}
    else:
        scale = alt.Scale(zero=True, nice=True)
        numbers_axis = {"tickCount": 5}
    if whole_numbers:
        numbers_axis.update(tickMinStep=1, format="d")
    if suffix:
        numbers_axis["labelExpr"] = f"datum.label + {_lookup(suffix)}"
    x = alt.X("Value:Q", title=axis_title, scale=scale,
              axis=alt.Axis(labels=layout.axis_numbers, ticks=layout.axis_numbers, grid=layout.axis_numbers,
                            labelFontSize=layout.axis_size, titleFontSize=layout.axis_size, labelPadding=4,
                            titlePadding=6, domainColor="#000000", labelColor="#000000", titleColor="#000000",
                            labelFlush=True, labelOverlap=True, titleLimit=0, **numbers_axis))
    tooltip = [alt.Tooltip(f"{name_title}:N"), alt.Tooltip("Shown:N", title=value_title)]
    if len(series) > 1:
        tooltip.insert(1, alt.Tooltip("Series:N", title=" "))
    base = alt.Chart(alt.Data(values=data)).encode(y=y, x=x)
    if len(series) > 1:
        offset = {"yOffset": alt.YOffset("Series:N", sort=series, scale=alt.Scale(paddingInner=0.08))}
        colour = alt.Color("Series:N", sort=series, scale=alt.Scale(domain=series, range=[c for _, c in legend]),
                           legend=alt.Legend(orient="top", title=None, labelFontSize=layout.label_size,
                                             labelLimit=round(column * 1.3), labelColor="#000000"))
        bars = base.mark_bar().encode(color=colour, tooltip=tooltip, description="Said:N", **offset)
        words = base.mark_text(align="left", dx=6, fontSize=layout.label_size, fontWeight="bold",
                               color="#000000", aria=False).encode(text="Shown:N", **offset)
    else:
        bars = base.mark_bar(size=layout.bar).encode(color=alt.Color("Colour:N", scale=None), tooltip=tooltip,
                                                     description="Said:N")
        words = base.mark_text(align="left", dx=8, fontSize=layout.label_size, fontWeight="bold",
                               color="#000000", aria=False).encode(text="Shown:N")
    layers = [bars, words]
    if threshold is not None:
        line = alt.Chart(alt.Data(values=[{"Value": threshold, "Label": threshold_label}]))
        layers.insert(0, line.mark_rule(color="#000000", strokeDash=[6, 4], size=2).encode(x="Value:Q"))
        if threshold_label:
            layers.append(line.mark_text(align="left", dx=4, dy=-4, baseline="bottom", fontSize=layout.axis_size,
                                         color="#000000").encode(x="Value:Q", y=alt.value(0), text="Label:N"))
    # The height is the bars' own; "fit-x" lets the page set the width only, so the bars are
    # never squeezed to make room for the axis (Streamlit's default "fit" would).
    # The words at the end of a long bar are drawn past the plot: the padding on the right keeps
    # room for them (the page would otherwise cut "24" to "2"), reckoned on the plot's width
    # this chart is laid out for (the names' column taken off) and the axis' top.
    top = ticks[-1] if ticks else max((b.value for r in rows for b in r.bars), default=0.0)
    plot_px = (PROJECTOR_CHART_PX if big else PAGE_CHART_PX) - column
    words_px = max((text_width(b.text, layout.label_size, bold=True) + 10 - plot_px * (1 - b.value / top)
                    for r in rows for b in r.bars if top > 0), default=0.0)
    return alt.layer(*layers).properties(
        height=layout.height, background="#ffffff", usermeta={"embedOptions": {"renderer": "svg"}},
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        padding={"left": 5, "right": max(5, math.ceil(words_px) + 5), "top": 24 if threshold_label else 5, "bottom": 5})
