"""Pictures of the audience analysis, drawn for a room and for the report.

- the audience framework as a four-quadrant board of sticky notes (SVG);
- the Social Ecological Model as nested rings, one band per level (SVG);
- the stakeholder map as an influence × interest grid (Altair on the page and the
  projector, `stakeholder_svg` in the report);
- the primary audience's influencers with their shares (Altair on the page, bars from
  c4d.pictures in the report).

The board and the rings are the same SVG on the projector and in the workshop report.
Report pictures are rendered to PNG with vl-convert's SVG renderer on this laptop, never
through a service (see c4d.pictures). Every piece of user text is escaped for XML
(`html.escape` after `xml_safe`), so a name such as ``<script>`` is drawn as typed and
never becomes markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from c4d.audience.model import (
    AudienceFramework,
    AudienceProfile,
    Direction,
    EntryKind,
    FrameworkEntry,
    Level,
    SEMLevel,
    SEMMap,
    Side,
    Stakeholder,
)
from c4d.audience.checks import HIGH, framework_findings, quadrant, sem_level_addressed
from c4d.pictures import (
    INK, BarRow, bar_chart, bar_chart_png, esc, svg_png, text_element, text_width, wrap, wrap_words,
)
from c4d.text import clip, plural

if TYPE_CHECKING:
    import altair as alt

MUTED = "#555555"
ALERT = "#b3261e"


# ---- the audience framework: a four-quadrant board -----------------------------------------------
BOARD_W, BOARD_H = 1600, 800  # about 2:1, so the board fills a projector below the page title
SIDE_TINT = {Side.origin: "#eaf2fb", Side.destination: "#fdf1e4"}
NOTE_FILL = {EntryKind.audience: "#fff5b8", EntryKind.activity: "#d9ebff"}
NOTE_EDGE = {EntryKind.audience: "#b89b00", EntryKind.activity: "#2f6db5"}
EMPTY_HINT = {
    (Side.origin, Level.community): "Family, neighbours, local leaders, schools in the places people come from",
    (Side.origin, Level.individual): "The people at risk where they come from",
    (Side.destination, Level.community): "Employers, businesses, recruiters, services where people end up",
    (Side.destination, Level.individual): "Clients, consumers, people who create the demand",
}
BOARD_DESCRIPTION = ("Audience framework: yellow notes are audiences, blue notes with an arrow are activities; "
                     "dashed notes came from phones.")


def _within(text: str, size: float, width: float, max_lines: int) -> str:
    """No more of `text` than `max_lines` lines of this width could ever show, plus a
    little (so it still ends in '…'): a 5 000-character note, or a long run of Thai or
    Khmer with no spaces to break at, costs no more to lay out than a short one."""
    text = " ".join(text.split())
    most = int(max_lines * width / (0.3 * size)) + 2  # no character is narrower than 0.3 em
    return text if len(text) <= most else text[:most]


@dataclass
class _Note:
    entry: FrameworkEntry
    title: list[str]
    detail: list[str]
    height: float


def _notes_layout(entries: list[FrameworkEntry], width: float, height: float, size: float,
                  with_detail: bool, shorten: bool = False) -> tuple[list[tuple[_Note, float, float]], int] | None:
    """Place notes in two columns (masonry). None when they do not all fit, or when a
    name would need more than four lines (unless `shorten`: then it ends in '…')."""
    pad, gap = size * 0.45, size * 0.45
    col_w = (width - gap) / 2
    inner = col_w - 2 * pad
    columns = [0.0, 0.0]
    placed = []
    for entry in entries:
        prefix = "→ " if entry.kind is EntryKind.activity else ""
        title = wrap(_within(prefix + entry.who, size, inner, 5), size, inner, 4 if shorten else 5, bold=True)
        if len(title) > 4:
            return None
        detail = (wrap(_within(entry.why, size * 0.72, inner, 2), size * 0.72, inner, 2)
                  if with_detail and entry.why else [])
        h = 2 * pad + len(title) * size * 1.22 + (len(detail) * size * 0.72 * 1.22 + size * 0.2 if detail else 0)
        col = 0 if columns[0] <= columns[1] else 1
        if columns[col] + h > height:
            return None
        placed.append((_Note(entry, title, detail, h), col * (col_w + gap), columns[col]))
        columns[col] += h + gap
    return placed, 0


def framework_svg(framework: AudienceFramework, *, title: str = "") -> str:
    """The 2×2 board: origin on the left, destination on the right, community level on
    top, individual level below; audiences as yellow notes, activities as blue ones."""
    codes = {f.code for f in framework_findings(framework)}
    left, top, gap, right, bottom = 78, 96 if title else 70, 14, 14, 14
    cell_w = (BOARD_W - left - right - gap) / 2
    cell_h = (BOARD_H - top - bottom - gap) / 2
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{BOARD_W}" height="{BOARD_H}" '
             f'viewBox="0 0 {BOARD_W} {BOARD_H}" role="img">',
             f'<rect width="{BOARD_W}" height="{BOARD_H}" fill="#ffffff"/>']
    if title:
        parts.append(text_element(left, 34, wrap(title, 28, BOARD_W - left - right, 1, bold=True), 28, bold=True))
    for i, side in enumerate(Side):
        x = left + i * (cell_w + gap)
        parts.append(text_element(x + cell_w / 2, top - 18, [side.label], 30, bold=True, anchor="middle"))
    for j, level in enumerate(Level):
        y = top + j * (cell_h + gap) + cell_h / 2
        parts.append(f'<g transform="translate({left - 26:.1f},{y:.1f}) rotate(-90)">'
                     + text_element(0, 0, [level.label], 28, bold=True, anchor="middle") + "</g>")

    # One font size for the whole board: the largest at which every cell fits.
    cells = {(side, level): framework.cell(side, level) for side in Side for level in Level}
    body_top = 50  # room for the cell's small heading
    inner_w, inner_h = cell_w - 28, cell_h - body_top - 14
    layouts: dict = {}
    chosen_size = 15.0
    sizes = (36, 32, 30, 27, 24, 22, 20, 18, 16, 15)
    for size in sizes:
        for with_detail in (True, False):
            trial = {key: _notes_layout(entries, inner_w, inner_h, size, with_detail, shorten=size == sizes[-1])
                     for key, entries in cells.items()}
            if all(t is not None for t in trial.values()):
                layouts, chosen_size = trial, size
                break
        if layouts:
            break
    for (side, level), entries in cells.items():
        x = left + list(Side).index(side) * (cell_w + gap)
        y = top + list(Level).index(level) * (cell_h + gap)
        demand_gap = side is Side.destination and "no_destination" in codes
        support_gap = level is Level.community and f"individual_without_community_{side.value}" in codes
        gap_here = demand_gap or support_gap
        edge = f'stroke="{ALERT}" stroke-width="4" stroke-dasharray="14 8"' if gap_here else 'stroke="#9aa7b5" stroke-width="2"'
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell_w:.1f}" height="{cell_h:.1f}" rx="18" '
                     f'fill="{SIDE_TINT[side]}" {edge}/>')
        n_aud = sum(e.kind is EntryKind.audience for e in entries)
        n_act = len(entries) - n_aud
        count = f"{plural(n_aud, 'audience')} · {plural(n_act, 'activity', 'activities')}"
        parts.append(text_element(x + cell_w - 16, y + 32, [count], 19, fill=MUTED, anchor="end"))
        parts.append(text_element(x + 16, y + 32, [f"{side.value.capitalize()} · {level.value}"], 19, bold=True,
                                  fill=MUTED))
        if not entries:
            hint = ("Who creates the demand here?" if demand_gap else
                    "Who supports or pressures them?" if support_gap else None)
            lines = wrap(hint or EMPTY_HINT[(side, level)], 24, cell_w - 80, 3)
            parts.append(text_element(x + cell_w / 2, y + cell_h / 2 - (len(lines) - 1) * 14, lines, 24,
                                      fill=ALERT if hint else "#6b7785", anchor="middle", italic=not hint,
                                      bold=bool(hint)))
            continue
        layout = layouts.get((side, level)) if layouts else None
        shown = entries
        if layout is None:  # even the smallest type does not hold them all: as many as fit
            for n in range(len(entries) - 1, 0, -1):
                layout = _notes_layout(entries[:n], inner_w, inner_h - 34, chosen_size, False, shorten=True)
                if layout is not None:
                    shown = entries[:n]
                    break
        if layout is None:
            continue
        for note, nx, ny in layout[0]:
            kind = note.entry.kind
            px, py = x + 14 + nx, y + body_top + ny
            col_w = (inner_w - chosen_size * 0.45) / 2
            dash = ' stroke-dasharray="6 4"' if note.entry.source == "phone" else ""
            parts.append(f'<rect x="{px:.1f}" y="{py:.1f}" width="{col_w:.1f}" height="{note.height:.1f}" rx="8" '
                         f'fill="{NOTE_FILL[kind]}" stroke="{NOTE_EDGE[kind]}" stroke-width="2"{dash}/>')
            pad = chosen_size * 0.45
            parts.append(text_element(px + pad, py + pad + chosen_size * 0.9, note.title, chosen_size, bold=True))
            if note.detail:
                dy = py + pad + len(note.title) * chosen_size * 1.22 + chosen_size * 0.2 + chosen_size * 0.72 * 0.9
                parts.append(text_element(px + pad, dy, note.detail, chosen_size * 0.72, fill="#333333"))
        if len(shown) < len(entries):
            parts.append(text_element(x + cell_w / 2, y + cell_h - 18, [f"+ {len(entries) - len(shown)} more"], 20,
                                      bold=True, fill=MUTED, anchor="middle"))
    parts.append(f"<desc>{esc(BOARD_DESCRIPTION)}</desc>")
    parts.append("</svg>")
    return "".join(parts)


# ---- the Social Ecological Model: nested rings --------------------------------------------------------
SEM_W = 1600
RING_FILL = {SEMLevel.societal: "#e9eef6", SEMLevel.community: "#dbe5f2", SEMLevel.interpersonal: "#cbdaee",
             SEMLevel.individual: "#b9cde8"}
RING_HINT = {SEMLevel.societal: "laws, policies, norms, media", SEMLevel.community: "workplaces, schools, recruiters, places",
             SEMLevel.interpersonal: "family, friends, partners, peers", SEMLevel.individual: "knowledge, attitudes, skills, situation"}
RINGS_DESCRIPTION = ("Social Ecological Model: green chips help, red chips harm; dots show strength; dashed chips "
                     "are not addressed by any activity or partner.")
CHIP_FILL = {Direction.helps: "#dcf1df", Direction.harms: "#fbe2de"}
CHIP_EDGE = {Direction.helps: "#1e7b34", Direction.harms: ALERT}
OUTSIDE_IN = (SEMLevel.societal, SEMLevel.community, SEMLevel.interpersonal, SEMLevel.individual)


def _strength(n: int) -> str:
    return "●" * n + "○" * (3 - n)


def _chips(influences, width: float, size: float, sub_ratio: float = 0.72):
    """Chips laid out in rows inside `width`: [(influence, x, row, w, lines, sub)], rows used.
    The line saying who addresses it is in type `sub_ratio` of the chip's name."""
    pad, gap = size * 0.5, size * 0.5
    max_chip = min(width, 560 * size / 22)
    rows: list[float] = [0.0]
    placed = []
    for inf in influences:
        sign = "+" if inf.direction is Direction.helps else "−"
        title = f"{sign} {inf.who_or_what}  {_strength(inf.strength)}"
        lines = wrap(title, size, max_chip - 2 * pad, 2, bold=True)
        sub = wrap(f"by {inf.addressed_by}" if inf.addressed_by else "nothing addresses it yet", size * sub_ratio,
                   max_chip - 2 * pad, 1)
        w = max(max(text_width(line, size, True) for line in lines), text_width(sub[0], size * sub_ratio)) + 2 * pad
        w = min(w + 4, max_chip)
        if rows[-1] and rows[-1] + w > width:
            rows.append(0.0)
        placed.append((inf, rows[-1], len(rows) - 1, w, lines, sub))
        rows[-1] += w + gap
    return placed, len(rows) if influences else 0


# The projector's drawing: one level open at a time, drawn about 1:1 on a 1280×720 screen under the
# page's title and the level buttons (worksheets/sem.py shows it at most SEM_ROOM_H pixels high),
# so its chips' type is at least ROOM_TYPE_PX where a level's influences allow.
SEM_ROOM_W, SEM_ROOM_H = 1180, 490
ROOM_TYPE_PX = 24


def sem_svg(sem: SEMMap, *, title: str = "") -> str:
    """Nested rings, societal outside and individual at the centre; each influence is a
    chip (green helps, red harms, ●●○ strength) with the activity or partner that
    addresses it. A level nobody addresses says so in red."""
    return _rings(sem, title=title, width=SEM_W, most=900, least=520, sizes=(34, 30, 26, 23, 21, 19, 17, 15, 13),
                  sub_ratio=0.72, open_levels=set(SEMLevel))


def sem_room_svg(sem: SEMMap, level: SEMLevel) -> str:
    """The rings for the projector: `level` open, its influences one under the other in type
    for the back of the room (the name and who addresses it in the same size, each on up to two
    lines), and the other levels as one line each with how many influences they hold."""
    inset, gap = 12.0, 8.0
    depth_open = OUTSIDE_IN.index(level)
    chip_x = inset * depth_open + 6 + 22
    chip_most = SEM_ROOM_W - 2 * chip_x
    influences = sem.at(level)
    chosen = None
    for size in (32, 30, 28, 26, ROOM_TYPE_PX, 22, 20, 18, 16, 14, 13):
        level_size = max(26.0, size * 1.05)
        head = level_size + 16
        pad = size * 0.35
        chips = []
        for inf in influences:
            sign = "+" if inf.direction is Direction.helps else "−"
            lines = wrap(f"{sign} {inf.who_or_what}  {_strength(inf.strength)}", size, chip_most - 2 * pad, 2,
                         bold=True)
            sub = wrap(f"by {inf.addressed_by}" if inf.addressed_by else "nothing addresses it yet", size,
                       chip_most - 2 * pad, 2)
            w = min(chip_most, max(text_width(t, size, i < len(lines)) for i, t in enumerate(lines + sub))
                    + 2 * pad + 4)
            chips.append((inf, lines, sub, w, 2 * pad + (len(lines) + len(sub)) * size * 1.22))
        body = sum(c[4] for c in chips) + gap * len(chips) if chips else size * 1.8
        height = 4 * head + body + 8 + inset * 4 + 6
        chosen = (size, level_size, head, chips, height)
        if height <= SEM_ROOM_H:
            break
    size, level_size, head, chips, height = chosen
    height = max(height, SEM_ROOM_H)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{SEM_ROOM_W}" height="{height:.0f}" '
             f'viewBox="0 0 {SEM_ROOM_W} {height:.0f}" role="img">',
             f'<rect width="{SEM_ROOM_W}" height="{height:.0f}" fill="#ffffff"/>']
    y = 6.0
    for depth, ring in enumerate(OUTSIDE_IN):
        x = inset * depth + 6
        w = SEM_ROOM_W - 2 * x
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{height - y - inset * depth - 6:.1f}" '
                     f'rx="{40 - depth * 6}" fill="{RING_FILL[ring]}" stroke="#5c708a" stroke-width="2"/>')
        baseline = y + level_size + 4
        note_size = max(ROOM_TYPE_PX, level_size * 0.85)
        is_open = ring is level
        parts.append(text_element(x + 22, baseline, [ring.label], level_size, bold=True))
        note = RING_HINT[ring] if is_open else level_summary(sem, ring)
        room = w - 44 - text_width(ring.label, level_size, True) - 16
        if not sem_level_addressed(sem, ring):
            alert = "No activity or partner yet"
            parts.append(text_element(x + w - 22, baseline, [alert], note_size, bold=True, fill=ALERT, anchor="end"))
            room -= text_width(alert, note_size, True) + 24
        if text_width(note, note_size) <= room or not is_open:  # the hint gives way to the alert
            parts.append(text_element(x + 22 + text_width(ring.label, level_size, True) + 16, baseline,
                                      wrap(note, note_size, max(room, 40), 1), note_size,
                                      fill=MUTED if is_open else INK, italic=is_open))
        y += head
        if not is_open:
            continue
        if not chips:
            parts.append(text_element(chip_x, y + size * 1.1, ["Nothing mapped at this level"], size,
                                      fill="#4d5b6b", italic=True))
            y += size * 1.8
        for inf, lines, sub, cw, ch in chips:
            dash = "" if inf.addressed_by else ' stroke-dasharray="8 5"'
            parts.append(f'<rect x="{chip_x:.1f}" y="{y:.1f}" width="{cw:.1f}" height="{ch:.1f}" rx="10" '
                         f'fill="{CHIP_FILL[inf.direction]}" stroke="{CHIP_EDGE[inf.direction]}" stroke-width="2.5"{dash}/>')
            first = y + size * 0.35 + size * 0.95
            parts.append(text_element(chip_x + size * 0.4, first, lines, size, bold=True))
            parts.append(text_element(chip_x + size * 0.4, first + len(lines) * size * 1.22, sub, size,
                                      fill=INK if inf.addressed_by else ALERT, italic=not inf.addressed_by))
            y += ch + gap
        y += 8
    parts.append(f"<desc>{esc(RINGS_DESCRIPTION)}</desc>")
    parts.append("</svg>")
    return "".join(parts)


def level_summary(sem: SEMMap, level: SEMLevel) -> str:
    """'3 influences: 1 helps, 2 harm' — a closed level on the projector."""
    at = sem.at(level)
    if not at:
        return "none yet"
    helps = sum(1 for i in at if i.direction is Direction.helps)
    return f"{plural(len(at), 'influence')}: {helps} {'helps' if helps == 1 else 'help'}, {len(at) - helps} " + (
        "harms" if len(at) - helps == 1 else "harm")


def _rings(sem: SEMMap, *, title: str, width: int, most: float, least: float, sizes: tuple[float, ...],
           sub_ratio: float, open_levels: set[SEMLevel]) -> str:
    """The nested rings `width` wide, in the largest chip type of `sizes` at which the drawing
    is no taller than `most` (at least `least` tall); levels not in `open_levels` are one line."""
    SEM_W = width  # noqa: N806  (the drawing's width, as in the report's rings)
    inset = 34.0
    top_title = 56.0 if title else 0.0
    chosen = None
    for size in sizes:
        level_size = max(26.0, size * 1.05)
        title_h = level_size + 18
        chip_h = size * (2 * 1.22 + sub_ratio * 1.22) + size * 1.0
        bands = {}
        for depth, level in enumerate(OUTSIDE_IN):
            if level not in open_levels:
                bands[level] = ([], 0, title_h + 4)
                continue
            band_w = SEM_W - 2 * inset * (depth + 1) - 2 * 20
            placed, rows = _chips(sem.at(level), band_w, size, sub_ratio)
            bands[level] = (placed, rows, title_h + max(rows, 1) * (chip_h + size * 0.4) + 12)
        height = top_title + sum(b[2] for b in bands.values()) + inset * 4 + 10
        chosen = (size, chip_h, bands, height, level_size, title_h)
        if height <= most:
            break
    size, chip_h, bands, height, level_size, title_h = chosen
    height = max(height, least)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{SEM_W}" height="{height:.0f}" '
             f'viewBox="0 0 {SEM_W} {height:.0f}" role="img">',
             f'<rect width="{SEM_W}" height="{height:.0f}" fill="#ffffff"/>']
    if title:
        parts.append(text_element(24, 38, wrap(title, 28, SEM_W - 48, 1, bold=True), 28, bold=True))
    y = top_title
    for depth, level in enumerate(OUTSIDE_IN):
        x = inset * depth + 6
        w = SEM_W - 2 * x
        h = height - y - inset * depth - 6
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="{60 - depth * 8}" '
                     f'fill="{RING_FILL[level]}" stroke="#5c708a" stroke-width="2"/>')
        placed, rows, band_h = bands[level]
        baseline = y + level_size + 6
        parts.append(text_element(x + 28, baseline, [f"{level.label}"], level_size, bold=True))
        is_open = level in open_levels
        parts.append(text_element(x + 28 + text_width(level.label, level_size, True) + 16, baseline,
                                  [RING_HINT[level] if is_open else level_summary(sem, level)],
                                  level_size * (0.7 if is_open else 0.85), fill=MUTED if is_open else INK,
                                  italic=is_open))
        if not sem_level_addressed(sem, level):
            parts.append(text_element(x + w - 28, baseline, ["No activity or partner yet"], level_size * 0.82,
                                      bold=True, fill=ALERT, anchor="end"))
        if is_open and not placed:
            parts.append(text_element(x + 28, y + title_h + size * 1.2, ["Nothing mapped at this level"], size * 0.85,
                                      fill="#6b7785", italic=True))
        for inf, cx, row, cw, lines, sub in placed:
            px = x + 28 + cx
            py = y + title_h + row * (chip_h + size * 0.4)
            dash = "" if inf.addressed_by else ' stroke-dasharray="8 5"'
            parts.append(f'<rect x="{px:.1f}" y="{py:.1f}" width="{cw:.1f}" height="{chip_h:.1f}" rx="10" '
                         f'fill="{CHIP_FILL[inf.direction]}" stroke="{CHIP_EDGE[inf.direction]}" stroke-width="2.5"{dash}/>')
            parts.append(text_element(px + size * 0.5, py + size * 0.5 + size * 0.9, lines, size, bold=True))
            parts.append(text_element(px + size * 0.5, py + chip_h - size * 0.45, sub, size * sub_ratio,
                                      fill=INK if inf.addressed_by else ALERT, italic=not inf.addressed_by))
        y += band_h
    parts.append(f"<desc>{esc(RINGS_DESCRIPTION)}</desc>")
    parts.append("</svg>")
    return "".join(parts)


# ---- the stakeholder map: influence × interest --------------------------------------------------------
QUADRANTS = (  # (label, interest from, to, influence from, to, text x, text y, align)
    ("Keep satisfied", 0.5, HIGH - 0.5, HIGH - 0.5, 5.5, 0.6, 5.4, "left"),
    ("Manage closely", HIGH - 0.5, 5.5, HIGH - 0.5, 5.5, 5.4, 5.4, "right"),
    ("Monitor", 0.5, HIGH - 0.5, 0.5, HIGH - 0.5, 0.6, 0.6, "left"),
    ("Keep informed", HIGH - 0.5, 5.5, 0.5, HIGH - 0.5, 5.4, 0.6, "right"),
)
QUADRANT_FILL = {"Manage closely": "#dbe8f7", "Keep satisfied": "#f4ecd9", "Keep informed": "#e3f1e4",
                 "Monitor": "#f2f2f2"}
SEM_COLOUR = {SEMLevel.individual: "#6a3d9a", SEMLevel.interpersonal: "#1f78b4", SEMLevel.community: "#33a02c",
              SEMLevel.societal: "#e6550d"}


def _spread(stakeholders: list[Stakeholder]) -> list[tuple[float, float]]:
    """Positions with stakeholders on the same square spread around it, not on top of
    each other."""
    offsets = [(0, 0), (0.22, 0.18), (-0.22, -0.18), (0.22, -0.18), (-0.22, 0.18), (0, 0.3), (0, -0.3)]
    seen: dict[tuple[int, int], int] = {}
    out = []
    for s in stakeholders:
        key = (s.interest, s.influence)
        n = seen.get(key, 0)
        seen[key] = n + 1
        dx, dy = offsets[n % len(offsets)]
        ring = n // len(offsets)
        out.append((s.interest + dx * (1 + 0.5 * ring), s.influence + dy * (1 + 0.5 * ring)))
    return out


def stakeholder_chart(stakeholders: list[Stakeholder], *, big: bool = False) -> "alt.Chart":
    """The influence × interest grid: a numbered dot per stakeholder (coloured by SEM
    level) and, beside it, the key from number to organisation, so names never overlap."""
    import altair as alt
    import pandas as pd

    label_size = 24 if big else 12
    height = 440 if big else 420  # big: the grid, its axis and legend fit a 720-pixel projector
    rects = pd.DataFrame([{"Quadrant": q[0], "x": q[1], "x2": q[2], "y": q[3], "y2": q[4]} for q in QUADRANTS])
    labels = pd.DataFrame([{"Quadrant": q[0], "x": q[5], "y": q[6], "align": q[7]} for q in QUADRANTS])
    # The key: every name in full, on two lines where it needs them (three when the rows leave
    # room), in type as large as the rows allow.
    count = max(len(stakeholders), 1)
    room = max(12.0, height / count)  # a row's height when the key is as tall as the grid
    key_size = min(label_size - (4 if big else 0), room / 1.4)
    key_w = 430 if big else 340
    most_lines = max(2, min(3, int(room // (key_size * 1.25))))
    keys = [wrap_words(f"{n}  {s.organisation}", key_size, key_w - 12, most_lines, bold=True)
            for n, s in enumerate(stakeholders, start=1)]
    used = max((len(k) for k in keys), default=1)
    row = max(label_size * 1.6, used * key_size * 1.25 + 8)
    points = pd.DataFrame([
        {"n": n, "Number": str(n), "Organisation": s.organisation, "Interest": x, "Influence": y,
         "Key": "\n".join(keys[n - 1]),
         "SEM level": s.sem_level.label, "Type": s.org_type.label, "Quadrant": quadrant(s)}
        for n, (s, (x, y)) in enumerate(zip(stakeholders, _spread(stakeholders)), start=1)
    ], columns=["n", "Number", "Organisation", "Interest", "Influence", "Key", "SEM level", "Type", "Quadrant"])
    scale_x = alt.Scale(domain=[0.5, 5.5], nice=False, zero=False)
    scale_y = alt.Scale(domain=[0.5, 5.5], nice=False, zero=False)
    axis = dict(values=[1, 2, 3, 4, 5], format="d", labelFontSize=label_size - 2, titleFontSize=label_size,
                labelColor=INK, titleColor=INK, grid=False)
    background = alt.Chart(rects).mark_rect(opacity=1.0, stroke="#ffffff", strokeWidth=4).encode(
        x=alt.X("x:Q", scale=scale_x, title="Interest in the campaign (1–5)", axis=alt.Axis(**axis)),
        x2="x2:Q",
        y=alt.Y("y:Q", scale=scale_y, title="Influence (1–5)", axis=alt.Axis(**axis)),
        y2="y2:Q",
        color=alt.Color("Quadrant:N", scale=alt.Scale(domain=list(QUADRANT_FILL), range=list(QUADRANT_FILL.values())),
                        legend=None),
    )
    corners = [
        alt.Chart(labels[labels["align"] == side]).mark_text(
            align=side, baseline="middle", fontSize=label_size, fontWeight="bold", color="#4d5b6b").encode(
            x=alt.X("x:Q", scale=scale_x), y=alt.Y("y:Q", scale=scale_y), text="Quadrant:N")
        for side in ("left", "right")
    ]
    level_scale = alt.Scale(domain=[lvl.label for lvl in SEMLevel], range=[SEM_COLOUR[lvl] for lvl in SEMLevel])
    dots = alt.Chart(points).mark_circle(size=1100 if big else 330, opacity=1.0, stroke="#000000", strokeWidth=1).encode(
        x=alt.X("Interest:Q", scale=scale_x), y=alt.Y("Influence:Q", scale=scale_y),
        color=alt.Color("SEM level:N", scale=level_scale,
                        legend=alt.Legend(orient="right" if big else "bottom", labelFontSize=label_size - 2, titleFontSize=label_size - 2,
                                          symbolSize=300 if big else 100)),
        tooltip=["Organisation", "Type", "SEM level", "Quadrant"],
    )
    numbers = alt.Chart(points).mark_text(fontSize=label_size - 4 if big else 10, fontWeight="bold",
                                          color="#ffffff").encode(
        x=alt.X("Interest:Q", scale=scale_x), y=alt.Y("Influence:Q", scale=scale_y), text="Number:N")
    grid = alt.layer(background, *corners, dots, numbers).resolve_scale(color="independent").properties(
        height=height, width=height * 1.15)
    key = alt.Chart(points).mark_text(align="left", baseline="middle", fontSize=key_size, lineHeight=key_size * 1.2, lineBreak="\n",
                                      fontWeight="bold", color=INK).encode(
        x=alt.value(0), y=alt.Y("n:O", axis=None, scale=alt.Scale(paddingOuter=0.2)), text="Key:N",
    ).properties(height=row * count + 20 if row > room else min(height, row * count + 20), width=key_w)
    return alt.hconcat(grid, key, spacing=24).configure_view(stroke=None).properties(background="#ffffff")


INFLUENCER_COLOUR = "#0b5cad"


def influencer_rows(profile: AudienceProfile) -> list[tuple[str, float, str]]:
    """(who, share, the share as written) for the influencers with a known share, the
    largest share first; long names are shortened."""
    known = [i for i in profile.influencers if i.share is not None]
    return [(clip(i.who, 40), i.share, f"{i.share:g}%")
            for i in sorted(known, key=lambda i: -i.share)]


def influencer_chart(profile: AudienceProfile, *, big: bool = False) -> alt.LayerChart | None:
    """Bars for the influencers with a known share, the largest first, each named in full
    beside its bar (the one result chart, c4d.pictures.bar_chart); None when no share is known."""
    known = sorted((i for i in profile.influencers if i.share is not None), key=lambda i: -i.share)
    if not known:
        return None
    rows = [BarRow.one(i.who, i.share, f"{i.share:g}%", INFLUENCER_COLOUR) for i in known]
    return bar_chart(rows, axis_title="% of the audience who say so", ticks=(0, 20, 40, 60, 80, 100), suffix="%",
                     name_title="Who", big=big)


# ---- pictures for the report ------------------------------------------------------------------
# The report draws the stakeholder map and the influencers as SVG (rendered by
# c4d.pictures.svg_png, without vl-convert's JavaScript engine): the same positions,
# colours, numbers and order as the page's Altair charts above, as a still picture.
STAKEHOLDER_W = 900
_GRID = 420  # the grid's side


def stakeholder_svg(stakeholders: list[Stakeholder]) -> str:
    """The influence × interest grid for the report: the quadrants, a numbered dot per
    stakeholder coloured by SEM level, the SEM legend below, and the key from number to
    organisation beside the grid."""
    x0, y0, side = 66.0, 14.0, float(_GRID)

    def gx(value: float) -> float:
        return x0 + (value - 0.5) / 5 * side

    def gy(value: float) -> float:
        return y0 + side - (value - 0.5) / 5 * side

    parts: list[str] = []
    for label, ix0, ix1, iy0, iy1, tx, ty, align in QUADRANTS:
        parts.append(f'<rect x="{gx(ix0):.1f}" y="{gy(iy1):.1f}" width="{gx(ix1) - gx(ix0):.1f}" '
                     f'height="{gy(iy0) - gy(iy1):.1f}" fill="{QUADRANT_FILL[label]}" stroke="#ffffff" '
                     f'stroke-width="4"/>')
        parts.append(text_element(gx(tx), gy(ty) + 5, [label], 15, bold=True, fill="#4d5b6b",
                                  anchor="start" if align == "left" else "end"))
    for value in range(1, 6):
        parts.append(text_element(gx(value), y0 + side + 20, [str(value)], 14, anchor="middle"))
        parts.append(text_element(x0 - 10, gy(value) + 5, [str(value)], 14, anchor="end"))
    parts.append(text_element(x0 + side / 2, y0 + side + 44, ["Interest in the campaign (1–5)"], 15, bold=True,
                              anchor="middle"))
    middle = y0 + side / 2
    parts.append(f'<g transform="rotate(-90 22 {middle:.1f})">'
                 + text_element(22, middle, ["Influence (1–5)"], 15, bold=True, anchor="middle") + "</g>")

    def dot(cx: float, cy: float, r: float, colour: str, number: str = "") -> str:
        circle = (f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{colour}" stroke="#000000" '
                  f'stroke-width="1"/>')
        return circle + (text_element(cx, cy + r * 0.36, [number], r * 0.95, bold=True, fill="#ffffff",
                                      anchor="middle") if number else "")

    for n, (s, (x, y)) in enumerate(zip(stakeholders, _spread(stakeholders)), start=1):
        parts.append(dot(gx(x), gy(y), 12, SEM_COLOUR[s.sem_level], str(n)))

    legend_y = y0 + side + 76
    parts.append(text_element(x0, legend_y, ["SEM level"], 14, bold=True))
    lx = x0 + text_width("SEM level", 14, True) + 16
    for level in SEMLevel:
        parts.append(dot(lx + 7, legend_y - 5, 7, SEM_COLOUR[level]))
        parts.append(text_element(lx + 20, legend_y, [level.label], 14))
        lx += 20 + text_width(level.label, 14) + 16

    key_x = x0 + side + 34
    key_w = STAKEHOLDER_W - key_x - 10
    # Names take two lines while the key fits beside the grid that way, then one line,
    # then smaller type.
    count = max(len(stakeholders), 1)
    lines = 2 if count * 46 <= side else 1
    row = 46.0 if lines == 2 else max(14.0, min(28.0, side / count))
    size = min(15.0, row / 1.5) if lines == 1 else 15.0
    for n, s in enumerate(stakeholders, start=1):
        cy = y0 + row * (n - 0.5)
        r = min(11.0, row * 0.42)
        parts.append(dot(key_x + r, cy, r, SEM_COLOUR[s.sem_level], str(n)))
        name = wrap(s.organisation, size, key_w - 2 * r - 10, lines)
        first = cy + size * 0.36 - (len(name) - 1) * size * 1.2 / 2
        parts.append(text_element(key_x + 2 * r + 8, first, name, size, line_height=1.2))
    height = max(legend_y + 14, y0 + row * len(stakeholders) + 10)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{STAKEHOLDER_W}" height="{height:.0f}" '
            f'viewBox="0 0 {STAKEHOLDER_W} {height:.0f}" role="img">'
            f'<rect width="{STAKEHOLDER_W}" height="{height:.0f}" fill="#ffffff"/>' + "".join(parts) + "</svg>")


def stakeholder_png(stakeholders: list[Stakeholder]) -> bytes | None:
    return svg_png(stakeholder_svg(stakeholders), scale=2.0) if stakeholders else None


def influencer_png(profile: AudienceProfile) -> bytes | None:
    """The influencer bars for the report; None when no share is known."""
    rows = [BarRow.one(who, share, shown, INFLUENCER_COLOUR) for who, share, shown in influencer_rows(profile)]
    return bar_chart_png(rows, axis_title="% of the audience who say so", ticks=(0, 20, 40, 60, 80, 100))
