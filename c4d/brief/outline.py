"""The brief's outline: what every rendering shows, section by section.

`outline` (and `summary_outline` for the one-page variant) turns a composed brief into
sections of simple blocks (paragraphs, bullets, tables, label–value pairs, gap marks).
The Word document (`c4d.export.brief_docx`), the partner's share page
(`c4d.brief.share`) and the preview on the facilitator's page all render the same
outline, so they cannot drift apart; `block_lines` reads a block back as lines of text
(what `c4d.brief.versions.diff` compares).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Union

from c4d.brief.checks import Gap, check, completeness_line, gaps_by_section
from c4d.brief.model import GAPS_TITLE, SECTION_TITLES, ComposedBrief
from c4d.strategy.wording import lower_first
from c4d.text import clip, number


@dataclass(frozen=True)
class Para:
    text: str
    italic: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class TableBlock:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Pairs:
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Sub:
    text: str


@dataclass(frozen=True)
class GapMark:
    level: str
    text: str

    @property
    def label(self) -> str:
        return "Missing" if self.level == "missing" else "To strengthen"


@dataclass(frozen=True)
class Note:
    text: str


Block = Union[Para, Bullets, TableBlock, Pairs, Sub, GapMark, Note]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)


def _lines(text: str) -> list[Block]:
    return [Para(text)] if text.strip() else []


def _labelled(label: str, text: str) -> list[Block]:
    return [Sub(label), Para(text)] if text.strip() else []


def reach_text(value: int | None) -> str:
    return number(value) if value is not None else "–"


def cost_text(value: float | None) -> str:
    return number(value) if value is not None else "–"


def cost_header(currency: str) -> str:
    """The cost column's heading, with the currency, so each cell holds only a figure."""
    return f"Cost ({currency})" if currency.strip() else "Cost"


def channel_total_row(brief: ComposedBrief) -> tuple[str, ...]:
    reach = [c.expected_reach for c in brief.channels if c.expected_reach is not None]
    costs = [c.cost for c in brief.channels if c.cost is not None]
    return ("Total", f"{len(brief.channels)} channels", "", "",
            number(sum(reach)) if reach else "–",
            number(sum(costs)) if costs else "–")


def outline(brief: ComposedBrief, gaps: Sequence[Gap] | None = None) -> list[Section]:
    """The full brief, section by section, with each gap marked where it is."""
    gaps = check(brief) if gaps is None else gaps
    marks = gaps_by_section(gaps)
    f = brief.fields
    body: dict[str, list[Block]] = {key: [] for key in SECTION_TITLES}

    b = body["background"]
    b += _lines(brief.background)
    b += _labelled("The problem", f.problem)
    decided = [(label, value) for label, value in (("Trafficking trend", brief.trend),
                                                   ("Area of dissemination", brief.area),
                                                   ("Country", brief.country)) if value]
    if decided:
        b.append(Pairs(tuple(decided)))

    a = body["audiences"]
    if brief.audiences:
        a.append(TableBlock(("Role", "Audience", "Approach", "Who they are"),
                            tuple((x.role, x.name, x.approach, x.description or "–") for x in brief.audiences),
                            (3.0, 4.2, 3.6, 5.8)))
    p = brief.primary
    if brief.has_primary and not p.is_empty():
        a.append(Sub(f"Primary audience profile: {p.name}" if p.name else "Primary audience profile"))
        if p.description:
            a.append(Para(p.description))
        if p.facts:
            a.append(Pairs(tuple(p.facts)))
        for label, text in (("What they know", p.knows), ("What they feel", p.feels), ("What they do", p.does),
                            ("Who decides", p.agency)):
            if text.strip():
                a.append(Pairs(((label, text),)))
        for label, items in (("Where they get information", p.information_sources),
                             ("Platforms they use", p.platforms), ("Who influences them", p.influencers),
                             ("What motivates them", p.motivators)):
            if items:
                a.append(Pairs(((label, "; ".join(items)),)))
        if p.quotes:
            a.append(Sub("In their words"))
            a.append(Bullets(tuple(f"“{q}”" for q in p.quotes)))

    o = body["objectives"]
    if brief.objectives:
        o.append(TableBlock(
            ("#", "Objective", "Element", "Checks"),
            tuple((str(i), x.sentence + (f" {x.result}." if x.result else ""), x.element,
                   "; ".join(x.flags) if x.flags else "All checks pass")
                  for i, x in enumerate(brief.objectives, start=1)),
            (0.8, 9.5, 2.9, 3.4)))

    if brief.barriers:
        body["barriers"].append(Bullets(tuple(brief.barriers)))

    body["promise"] += _lines(f.key_promise)
    support = [x for x in f.support_statements if x.strip()]
    if support:
        body["support"].append(Bullets(tuple(support)))

    c = body["cta"]
    c += _lines(f.call_to_action)
    pairs = [(label, value) for label, value in (("Service", f.cta_service), ("Contact", f.cta_contact)) if value]
    if pairs:
        c.append(Pairs(tuple(pairs)))

    m = body["messages"]
    messages = [x for x in f.key_messages if x.strip()]
    if messages:
        m.append(Bullets(tuple(messages)))
    if f.slogan.strip():
        m.append(Pairs((("Slogan", f.slogan),)))

    body["tone"] += _lines(f.tone)

    ch = body["channels"]
    if brief.channels:
        rows = [(x.channel + (f" — {x.detail}" if x.detail else ""), ", ".join(x.audiences) or "–",
                 x.evidence or "–", x.timing or "–", reach_text(x.expected_reach), cost_text(x.cost))
                for x in brief.channels]
        rows.append(channel_total_row(brief))
        ch.append(TableBlock(
            ("Channel", "Audiences", "Why (evidence)", "Timing", "Reach", cost_header(brief.currency)),
            tuple(rows), (3.4, 3.0, 4.2, 2.5, 1.9, 1.6)))
        partners = sorted({x.partner for x in brief.channels if x.partner})
        if partners:
            ch.append(Pairs((("Partners", "; ".join(partners)),)))
        languages = sorted({lang for x in brief.channels for lang in x.languages})
        if languages:
            ch.append(Pairs((("Languages on the channels", ", ".join(languages)),)))

    body["languages"] += _lines(f.languages)
    considerations = body["considerations"]
    considerations += _lines(f.creative_considerations)
    # The sector lens tells the creative team what the audience's work and life are like.
    if brief.sector_notes:
        sector = (("Sector", brief.sector),) if brief.sector else ()
        considerations.append(Pairs(sector + tuple((f"Sector lens: {label.lower()}", note)
                                                   for label, note in brief.sector_notes)))
    body["mandatory"] += _lines(f.mandatory_elements)
    if f.deliverables:
        body["deliverables"].append(TableBlock(
            ("Deliverable", "Format", "Quantity", "Due"),
            tuple((d.item or "–", d.format or "–", d.quantity or "–", d.due or "–") for d in f.deliverables),
            (5.0, 5.6, 2.6, 3.4)))
    body["logistics"] += _labelled("Timeline", f.timeline)
    body["logistics"] += _labelled("Budget", f.budget)
    body["logistics"] += _labelled("Approvals", f.approvals)
    body["pretest_plan"] += _lines(f.pretest_plan)
    h = body["history"]
    if brief.pretest_history:
        h.append(TableBlock(("When", "What", "What changed"),
                            tuple((x.when or "–", x.what or "–", x.change or "–") for x in brief.pretest_history),
                            (3.0, 4.6, 9.0)))
    else:
        h.append(Para("No pre-test has been recorded yet."))

    sections: list[Section] = []
    if gaps:
        sections.append(Section("gaps", GAPS_TITLE, (
            Para(completeness_line(gaps)),
            TableBlock(("Section", "", "What to do"),
                       tuple((SECTION_TITLES[g.section], g.label, g.message) for g in gaps), (4.4, 2.6, 9.6)),
        )))
    for key, title in SECTION_TITLES.items():
        blocks = [GapMark(g.level, g.message) for g in marks.get(key, [])] + body[key]
        if not blocks:
            blocks = [Note("Nothing recorded.")]
        sections.append(Section(key, title, tuple(blocks)))
    return sections


SUMMARY_LIMIT = 320     # characters of one text on the one-page summary
SUMMARY_OBJECTIVES = 3  # objectives listed on it
SUMMARY_MESSAGES = 4    # key messages listed on it


def short_text(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """At most `limit` characters, cut at a word with '…'."""
    return clip(text, limit)



def summary_outline(brief: ComposedBrief, gaps: Sequence[Gap] | None = None) -> list[Section]:
    """The one-page variant for quick sharing: the essentials, each kept short enough that
    even a brief with every field at its longest stays on one A4 page. Its completeness
    line goes under the title (see c4d.export.brief_docx)."""
    gaps = check(brief) if gaps is None else gaps
    f = brief.fields
    missing = "Missing — see the full brief."
    sections: list[Section] = []

    def add(key: str, title: str, blocks: list[Block]) -> None:
        sections.append(Section(key, title, tuple(blocks) if blocks else (GapMark("missing", missing),)))

    who = []
    if brief.has_primary:
        facts = dict(brief.primary.facts)
        where = facts.get("Where they live", "")
        situation = facts.get("Occupation or situation", "")
        line = brief.primary.name + (f" in {where}" if where else "") + (
            f" — {lower_first(situation)}" if situation else "")
        who.append(Para(short_text(line, 180)))
    others = [x.name for x in brief.audiences if x.role.lower().startswith("secondary")]
    if others:
        who.append(Para(short_text("Also speaking to: " + "; ".join(others), 140)))
    add("audiences", "Who we speak to", who)
    add("promise", "Key promise", _lines(short_text(f.key_promise, 160)))
    items = [short_text(o.short or o.sentence, 160) for o in brief.objectives[:SUMMARY_OBJECTIVES]]
    objective_blocks: list[Block] = [Bullets(tuple(items))] if items else []
    if len(brief.objectives) > SUMMARY_OBJECTIVES:
        objective_blocks.append(Note(f"And {len(brief.objectives) - SUMMARY_OBJECTIVES} more in the full brief."))
    add("objectives", "Objectives", objective_blocks)
    cta: list[Block] = _lines(short_text(f.call_to_action, 180))
    reach_us = [(label, short_text(value, 120)) for label, value in (("Service", f.cta_service),
                                                                     ("Contact", f.cta_contact)) if value.strip()]
    if cta and reach_us:  # the service and how to reach it: what the partner must get right
        cta.append(Pairs(tuple(reach_us)))
    add("cta", "Call to action", cta)
    messages: list[Block] = []
    listed = [short_text(m, 110) for m in f.key_messages if m.strip()][:SUMMARY_MESSAGES]
    if listed:
        messages.append(Bullets(tuple(listed)))
    if f.slogan.strip():
        messages.append(Pairs((("Slogan", short_text(f.slogan, 100)),)))
    add("messages", "Key messages", messages)
    media = list(dict.fromkeys(x.detail if x.channel == "Other" and x.detail else x.channel
                               for x in brief.channels))
    production = [(label, short_text(text, limit)) for label, text, limit in (
        ("Tone", f.tone, 240), ("Channels", ", ".join(media), 220), ("Mandatory elements", f.mandatory_elements, 260),
        ("Deliverables", "; ".join(d.item for d in f.deliverables if d.item), 220)) if text.strip()]
    absent = [label for label, text in (
        ("tone", f.tone), ("channels", media), ("mandatory elements", f.mandatory_elements),
        ("deliverables", f.deliverables)) if not text]
    blocks: list[Block] = [Pairs(tuple(production))] if production else []
    if absent:
        blocks.append(GapMark("missing", "Not yet in the brief: " + ", ".join(absent) + "."))
    sections.append(Section("production", "For production", tuple(blocks)))
    return sections


def block_lines(block: Block) -> list[str]:
    """A block as lines of text (gap marks and notes are derived, so they are left out)."""
    if isinstance(block, Para):
        return [line for line in block.text.splitlines() if line.strip()]
    if isinstance(block, Bullets):
        return [f"• {item}" for item in block.items]
    if isinstance(block, TableBlock):  # the headings too: they carry the currency of the costs
        return [" | ".join(h for h in block.headers)] + [" | ".join(cell for cell in row) for row in block.rows]
    if isinstance(block, Pairs):
        return [f"{label}: {value}" for label, value in block.pairs]
    if isinstance(block, Sub):
        return [block.text]
    return []
