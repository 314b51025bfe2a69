"""An objective in words: the one sentence it reads as (`sentence`), its line for a
one-page summary (`short_sentence`), met or not met at the endline (`status`), and the
numbers as people type and read them (`parse_number`, `shown_value`)."""

from __future__ import annotations

import re

from c4d.strategy.model import VALUE_LIMIT, Direction, Measure, Objective
from c4d.text import clip, short_date, number

SHORT_BEHAVIOUR = 90  # characters of the behaviour in `short_sentence`


# ---- numbers as people write them ---------------------------------------------------------------
def shown_value(value: float, measure: Measure) -> str:
    return f"{number(value)}%" if measure in (Measure.percent, Measure.change) else number(value)


_SCALE = (("billion", 1e9), ("million", 1e6), ("thousand", 1e3))


def parse_number(text: str | None, what: str) -> float | None:
    """A number as people type it: '60', '60%', '20,000', '20 000', '16.5', '16,5', '32.6 million'.
    Empty gives None; anything else raises ValueError naming the field and what was typed."""
    raw = (text or "").strip()
    if not raw:
        return None
    t = raw.lower().replace("\u00a0", " ").replace("\u202f", " ").replace("%", "").replace("≈", "").strip()
    scale = 1.0
    for word, factor in _SCALE:
        if t.endswith(word):
            t, scale = t[: -len(word)].strip(), factor
            break
    if re.fullmatch(r"[-+]?\d+,\d{1,2}", t):  # a decimal comma: 16,5
        t = t.replace(",", ".")
    t = re.sub(r"(?<=\d)[,\s_'](?=\d{3}\b)", "", t)  # thousands separators
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", t):
        raise ValueError(f"{what}: '{raw}' is not a number; type it in figures, e.g. 60 or 20,000")
    value = float(t) * scale
    if abs(value) > VALUE_LIMIT:
        raise ValueError(f"{what}: {raw} is larger than the toolkit can keep")
    return value


# ---- the sentence -------------------------------------------------------------------------------
def _movement(o: Objective) -> str:
    up = o.direction is Direction.increase
    if o.measure is Measure.change:
        if o.target_value is None:
            return f"{'rising' if up else 'falling'} on the baseline [target not set]"
        return f"{'rising' if up else 'falling'} by at least {shown_value(o.target_value, o.measure)} on the baseline"
    bound = "at least" if up else "at most"
    verb = "rising" if up else "falling"
    if o.target_value is None:
        start = f" from {shown_value(o.baseline_value, o.measure)}" if o.baseline_value is not None else ""
        return f"{verb}{start} [target not set]"
    target = f"{bound} {shown_value(o.target_value, o.measure)}"
    if o.baseline_value is None:
        return f"{verb} to {target} [baseline not set]"
    return f"{verb} from {shown_value(o.baseline_value, o.measure)} to {target}"


def _clean_phrase(text: str) -> str:
    return " ".join(text.split()).rstrip(" .;:,")


def sentence(objective: Objective, audience_name: str | None = None) -> str:
    """The objective in one sentence, e.g. 'By 30 June 2021, young women aged 18–27 in
    Ulaanbaatar know where to report a suspected trafficking case, with the share who can
    name a place to report rising from 45% to at least 60%, measured by the endline KAP
    survey (n≈500).' Missing parts show in square brackets; it never fails on a valid
    objective."""
    o = objective
    who = _clean_phrase(audience_name if audience_name is not None else (o.audience.name if o.audience else ""))
    who = lower_first(who) if who else "[audience not set]"
    place = _clean_phrase(o.place)
    where = f" in {place}" if place else " [place not set]"
    behaviour = _clean_phrase(o.behaviour) or "[behaviour not set]"
    indicator = _clean_phrase(o.indicator) or "[indicator not set]"
    when = f"By {short_date(o.deadline)}" if o.deadline else "By [deadline not set]"
    base_source = f" (baseline: {_clean_phrase(o.baseline_source)})" if o.baseline_source.strip() else ""
    means = _clean_phrase(o.verification)
    if means and not re.match(r"(?i)(the|a|an|its|their|our|each|every)\b", means):
        means = "the " + lower_first(means)
    measured = f", measured by {means}" if means else ", [means of verification not set]"
    return f"{when}, {who}{where} {behaviour}, with {indicator} {_movement(o)}{base_source}{measured}."


def short_sentence(objective: Objective) -> str:
    """The objective in a line, for a one-page summary: 'Knowledge: know where to report a
    case — at least 60% (from 45%) by 30 June 2021'. A long behaviour is shortened (at a
    word, with '…'), never the target or the deadline."""
    o = objective
    what = clip(_clean_phrase(o.behaviour) or _clean_phrase(o.indicator) or "[behaviour not set]",
                SHORT_BEHAVIOUR)
    if o.target_value is None:
        aim = "target not set"
    elif o.measure is Measure.change:
        aim = f"{'up' if o.direction is Direction.increase else 'down'} by at least " \
              f"{shown_value(o.target_value, o.measure)} on the baseline"
    else:
        bound = "at least" if o.direction is Direction.increase else "at most"
        aim = f"{bound} {shown_value(o.target_value, o.measure)}"
        if o.baseline_value is not None:
            aim += f" (from {shown_value(o.baseline_value, o.measure)})"
    when = f" by {short_date(o.deadline)}" if o.deadline else ""
    return f"{o.element.value.capitalize()}: {what} — {aim}{when}"


def lower_first(text: str) -> str:
    """'Endline KAP survey' → 'endline KAP survey' (an acronym at the start stays as it is)."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


# ---- met / not met --------------------------------------------------------------------------------
def status(objective: Objective) -> str | None:
    """'met' or 'not met' once a result is recorded against a target; None before."""
    o = objective
    if o.result_value is None or o.target_value is None:
        return None
    if o.direction is Direction.increase:
        return "met" if o.result_value >= o.target_value else "not met"
    if o.measure is Measure.change:  # a decrease "by at least" the target
        return "met" if o.result_value >= o.target_value else "not met"
    return "met" if o.result_value <= o.target_value else "not met"


def result_line(objective: Objective) -> str:
    o = objective
    if o.result_value is None:
        return ""
    text = f"Result: {shown_value(o.result_value, o.measure)}"
    if o.result_source:
        text += f" ({o.result_source})"
    verdict = status(o)
    return text + (f" — {verdict}" if verdict else "")
