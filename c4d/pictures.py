"""Charts and drawings as PNG for Word documents, drawn on this laptop (no network).

Every picture in a report is an SVG drawn in Python (the bar charts here, the audience
drawings in `c4d.audience.pictures`) and turned into a PNG by `svg_png`, which uses
vl-convert's SVG renderer (resvg). That renderer needs no JavaScript engine. Reports
used to render Altair charts with vl-convert's Vega-Lite engine, which took 0.5–1 s to
start in every new process (holding Python's interpreter lock) and needed Altair and
pandas imported (another 0.4 s), so the report took over 3 s from the command line.
The pages keep their interactive Altair charts; a report draws the same figures (the
same rows, order, colours and numbers) as a still picture.

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
from dataclasses import dataclass

log = logging.getLogger(__name__)

# Quoted family names: vl-convert's renderer (usvg) reads only quoted multi-word names.
FONT = "'DejaVu Sans', 'Liberation Sans', 'Noto Sans', Arial, sans-serif"
INK = "#111111"
GRID = "#dddddd"
BLUE = "#0b5cad"

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
    long run without spaces (Thai, Khmer, a pasted link) costs no more than its length."""
    limit = width / (size * (1.1 if bold else 1.0))  # the line's width in em
    space = _em(" ")
    lines: list[str] = []
    current, current_em = "", 0.0
    for word in " ".join(_xml_safe(text).split()).split(" "):
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
