"""SMART objectives (P-Process step 2, "know how to reach them").

An objective is built from structured fields — who (an audience of the audience
analysis), which KAP element, the behaviour, the indicator, the baseline (value and
source), the target, the place, the deadline and the means of verification — and this
module writes it as one sentence (`sentence`) and checks it (`check`). Every check
returns a `Flag` with a short reason and a suggestion. A flagged objective is still
saved: flags are derived from the content each time it is shown, so a flag stays
visible exactly until the objective is fixed.

Objectives name their audience with an `AudienceRef` (the audience's id in the
audience analysis and its name as written). The id is followed when it still exists, so
a renamed audience stays linked; otherwise the name is matched, so an objective typed
before the audience analysis was filled in links up as soon as the audience appears.

When the research worksheet exists, it fills `Objective.survey_items` (the endline
questions that measure the objective) and `result_value`, so the endline can say
"met / not met" (`status`).

The wording checks (vague verbs, several behaviours, the means of verification) read
English; on text in another language they stay silent rather than guess.

Content: one JSON document per campaign, kind `smart_objectives`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING

from pydantic import Field

from c4d.models import Campaign, DecisionTopic, LongText, Model, OptionalName, PlausibleDate, RequiredName, Session, SessionKind, \
    new_id, same_name
from c4d.worksheet import PStep, Progress, RoadshowStep, Status, register

if TYPE_CHECKING:
    from c4d.audience.model import AudienceRole
    from c4d.report_writer import ReportWriter
    from c4d.db.store import Store

KIND = "smart_objectives"
OBJECTIVES_MAX = 60
VALUE_LIMIT = 1e12  # any count a campaign can have; keeps sentences and tables readable


# ---- the audiences an objective (or a channel) can name -------------------------------------
@dataclass(frozen=True)
class AudienceOption:
    """An audience the campaign knows: from the audience analysis (with its id) or, while
    that is empty, from the PPCD decisions (no id)."""

    id: str | None
    name: str
    role: "AudienceRole | None" = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role.label.split()[0].lower()})" if self.role is not None else self.name


class AudienceRef(Model):
    """How an objective or a channel names an audience: the id in the audience analysis
    (when it was chosen from there) and the name as it read then."""

    id: str | None = Field(default=None, max_length=64)
    name: RequiredName


def known_audiences(store: "Store", campaign_id: str) -> list[AudienceOption]:
    """The campaign's audiences, primary first. From the audience analysis; while it has no
    audiences, from the PPCD decisions on the primary (and secondary) audience."""
    from c4d.audience.model import AudienceRole, load_analysis
    from c4d.decisions.worksheet import latest_by_topic

    order = {AudienceRole.primary: 0, AudienceRole.secondary: 1, AudienceRole.tertiary: 2}
    try:
        analysis = load_analysis(store, campaign_id)
    except ValueError:  # a damaged analysis must not take the strategy pages down with it
        analysis = None
    if analysis is not None and analysis.audiences:
        return [AudienceOption(a.id, a.name, a.role) for a in sorted(analysis.audiences, key=lambda a: order[a.role])]
    decided = latest_by_topic(store.decisions(campaign_id))
    options = []
    for topic, role in ((DecisionTopic.primary_audience, AudienceRole.primary),
                        (DecisionTopic.secondary_audience, AudienceRole.secondary)):
        if topic in decided:
            options.append(AudienceOption(None, decided[topic].choice, role))
    return options


def resolve(ref: AudienceRef | None, options: Sequence[AudienceOption]) -> AudienceOption | None:
    """The audience a reference points to: by id first (it survives a rename), then by name."""
    if ref is None:
        return None
    if ref.id:
        for option in options:
            if option.id == ref.id:
                return option
    for option in options:
        if same_name(option.name, ref.name):
            return option
    return None


def ref_to(option: AudienceOption) -> AudienceRef:
    return AudienceRef(id=option.id, name=option.name)


def shown_name(ref: AudienceRef | None, options: Sequence[AudienceOption]) -> str:
    """The audience's current name (it may have been renamed), else the name as written."""
    found = resolve(ref, options)
    return found.name if found is not None else (ref.name if ref is not None else "")


def default_place(store: "Store", campaign_id: str) -> str:
    """The PPCD's decision on the area of dissemination, a sensible place to start from."""
    from c4d.decisions.worksheet import latest_by_topic

    decided = latest_by_topic(store.decisions(campaign_id)).get(DecisionTopic.area)
    return decided.choice if decided is not None else ""


# ---- the vocabulary -------------------------------------------------------------------------
class KAPElement(str, Enum):
    knowledge = "knowledge"
    attitude = "attitude"
    practice = "practice"
    reach = "reach"
    engagement = "engagement"
    output = "output"

    @property
    def label(self) -> str:
        return ELEMENT_LABELS[self]


ELEMENT_LABELS = {
    KAPElement.knowledge: "Knowledge — what they know",
    KAPElement.attitude: "Attitude — what they feel and believe",
    KAPElement.practice: "Practice — what they do or intend to do",
    KAPElement.reach: "Reach — who sees or hears the campaign",
    KAPElement.engagement: "Engagement — who interacts with it",
    KAPElement.output: "Output — what the campaign produces",
}


class Measure(str, Enum):
    percent = "percent"   # a share of the audience, 0–100
    number = "number"     # a count: people, contacts, views, productions
    change = "change"     # a change in % on the baseline measurement (e.g. "attitude shift > 5%")

    @property
    def label(self) -> str:
        return {"percent": "Share of the audience (%)", "number": "A number (people, contacts, views, items)",
                "change": "Change on the baseline (%)"}[self.value]


class Direction(str, Enum):
    increase = "increase"
    decrease = "decrease"

    @property
    def label(self) -> str:
        return {"increase": "Increase", "decrease": "Decrease"}[self.value]


# Means of verification a facilitator usually picks; any other text can be typed.
COMMON_MEANS = (
    "Endline KAP survey (n≈500), compared with the baseline",
    "Pre- and post-survey of the audience",
    "Page analytics (Facebook Insights, YouTube Studio)",
    "Chatbot conversation log",
    "Hotline or helpline log",
    "Production records (final content list)",
    "Event sign-in sheets",
    "Broadcast logs from the stations",
)

Value = float


def _value_field(**kwargs):
    return Field(default=None, ge=-VALUE_LIMIT, le=VALUE_LIMIT, allow_inf_nan=False, **kwargs)


class Objective(Model):
    id: str = Field(default_factory=new_id)
    audience: AudienceRef | None = None
    element: KAPElement = KAPElement.knowledge
    behaviour: LongText = ""        # what the audience will know, feel or do: "know where to report a case"
    indicator: LongText = ""        # what is counted: "share of respondents who can name where to report"
    measure: Measure = Measure.percent
    direction: Direction = Direction.increase
    baseline_value: float | None = _value_field()
    baseline_source: OptionalName = ""
    target_value: float | None = _value_field()
    place: OptionalName = ""
    deadline: PlausibleDate | None = None
    verification: OptionalName = ""  # means of verification
    result_value: float | None = _value_field()   # the endline's figure, when it is in
    result_source: OptionalName = ""
    # The endline survey questions that measure this objective, filled by the research
    # worksheet when it exists (ids or short labels).
    survey_items: list[RequiredName] = Field(default_factory=list, max_length=50)
    notes: LongText = ""

    @property
    def title(self) -> str:
        """A short name for lists: the behaviour, else the indicator."""
        text = " ".join((self.behaviour or self.indicator or self.element.value).split())
        return text if len(text) <= 70 else text[:69] + "…"


class ObjectiveSet(Model):
    objectives: list[Objective] = Field(default_factory=list, max_length=OBJECTIVES_MAX)


def load(store: "Store", campaign_id: str) -> ObjectiveSet:
    return store.load_worksheet(campaign_id, KIND, ObjectiveSet, "SMART objectives")


def save(store: "Store", campaign_id: str, objectives: ObjectiveSet) -> None:
    store.save_worksheet(campaign_id, KIND, objectives.model_dump(mode="json"))


def upsert(store: "Store", campaign_id: str, objective: Objective) -> ObjectiveSet:
    """Add the objective, or replace the one with its id; saved at once."""
    with store.transaction():
        current = load(store, campaign_id)
        items = list(current.objectives)
        for i, existing in enumerate(items):
            if existing.id == objective.id:
                items[i] = objective
                break
        else:
            if len(items) >= OBJECTIVES_MAX:
                raise ValueError(f"a campaign holds at most {OBJECTIVES_MAX} objectives; remove one first")
            items.append(objective)
        updated = ObjectiveSet(objectives=items)
        save(store, campaign_id, updated)
    return updated


def remove(store: "Store", campaign_id: str, objective_id: str) -> ObjectiveSet:
    with store.transaction():
        current = load(store, campaign_id)
        updated = ObjectiveSet(objectives=[o for o in current.objectives if o.id != objective_id])
        save(store, campaign_id, updated)
    return updated


# ---- numbers and dates as people write them ---------------------------------------------------
def number(value: float) -> str:
    """20000 → '20,000'; 16.5 → '16.5'; 0.125 → '0.13'."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def shown_value(value: float, measure: Measure) -> str:
    return f"{number(value)}%" if measure in (Measure.percent, Measure.change) else number(value)


def long_date(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


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
    when = f"By {long_date(o.deadline)}" if o.deadline else "By [deadline not set]"
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
    when = f" by {long_date(o.deadline)}" if o.deadline else ""
    return f"{o.element.value.capitalize()}: {what} — {aim}{when}"


SHORT_BEHAVIOUR = 90  # characters of the behaviour in `short_sentence`


def clip(text: str, limit: int) -> str:
    """The text in at most `limit` characters: cut at the last word that fits, with '…'."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 0.6:  # a word boundary not too far back
        cut = cut[:space]
    return cut.rstrip(" ,;:.–—-") + "…"


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


# ---- the checks -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Flag:
    check: str        # the check's key, e.g. "vague_verb"
    title: str        # what kind of problem, in a few words
    reason: str       # why this objective is flagged
    suggestion: str   # what to do about it


CHECKS = {
    "vague_verb": "Vague verb",
    "no_number": "No target number",
    "no_baseline": "No baseline",
    "target_direction": "Target not beyond the baseline",
    "out_of_range": "Value out of range",
    "deadline": "Deadline",
    "audience_missing": "Audience",
    "place_missing": "Place",
    "several_behaviours": "More than one behaviour",
    "means_mismatch": "Means of verification",
}

_VAGUE = re.compile(
    r"\b(?:rais(?:e|es|ed|ing)|increas(?:e|es|ed|ing)|improv(?:e|es|ed|ing)|build(?:s|ing)?|creat(?:e|es|ed|ing)"
    r"|spread(?:s|ing)?|enhanc(?:e|es|ed|ing))\s+(?:the\s+|their\s+|public\s+|general\s+)*awareness\b"
    r"|\bawareness[\s-]+raising\b|\bbe(?:come)?\s+(?:more\s+)?aware\b"
    r"|\bsensiti[sz](?:e|es|ed|ing|ation)\b|\bunderstand(?:s|ing)?\b|\bpromot(?:e|es|ed|ing|ion)\b"
    r"|\beducat(?:e|es|ed|ing)\b",
    re.IGNORECASE,
)

# Verbs that start a behaviour; two of them joined in one objective make two objectives.
BEHAVIOUR_VERBS = frozenset("""
know recognise recognize identify name explain describe believe agree disagree feel reject accept
intend plan decide check verify ask call contact report visit use seek share talk discuss tell refer avoid
refuse prevent protect apply keep save follow attend watch see like comment download read learn
consult speak compare confirm find choose stop warn encourage advise request demand migrate join send
understand raise promote sensitise sensitize
""".split())
_SPLIT = re.compile(r"\s*(?:;|,|\band/or\b|\band\b|\bor\b|\bas well as\b|&|\+|/)\s*", re.IGNORECASE)
_LEAD = {"to", "also", "then", "will", "can", "could", "should", "would", "they", "she", "he", "we", "and", "or",
         "not", "never", "always", "actively", "safely", "first", "both", "either", "able"}


def behaviours_in(text: str) -> list[str]:
    """The parts of a behaviour text that each start with a verb ('know where to report;
    call the hotline' → two)."""
    found = []
    for part in _SPLIT.split(text or ""):
        words = re.findall(r"[A-Za-z']+", part.lower())
        while words and words[0] in _LEAD:
            words = words[1:]
        if words:
            word = words[0]
            stem = word[:-1] if word.endswith("s") and word[:-1] in BEHAVIOUR_VERBS else word
            if stem in BEHAVIOUR_VERBS:
                found.append(part.strip())
    return found


# What each means of verification can observe.
MEANS_KEYWORDS = {
    "survey": ("survey", "kap", "questionnaire", "poll", "endline", "end-line", "baseline", "post-test",
               "pre-test score", "self-assessment", "quiz", "test score"),
    "analytics": ("analytics", "insights", "page statistics", "impressions", "views", "dashboard", "metrics",
                  "platform report", "youtube studio", "social listening"),
    "service_log": ("hotline", "helpline", "call log", "chatbot", "case record", "referral", "service record",
                    "conversation log", "log of calls", "contacts log"),
    "records": ("production", "content list", "deliverable", "sign-in", "attendance", "register", "distribution list",
                "broadcast log", "inventory", "activity report", "records"),
    "qualitative": ("fgd", "focus group", "interview", "observation", "most significant change"),
}

CAN_MEASURE = {
    KAPElement.knowledge: {"survey"},
    KAPElement.attitude: {"survey"},
    KAPElement.practice: {"survey", "service_log", "analytics"},
    KAPElement.reach: {"analytics", "records", "survey"},
    KAPElement.engagement: {"analytics", "service_log"},
    KAPElement.output: {"records"},
}

MEANS_NAMES = {"survey": "a survey of the audience", "analytics": "page analytics", "service_log": "a service log",
               "records": "activity or production records", "qualitative": "focus groups or interviews"}

SUGGESTED_MEANS = {
    KAPElement.knowledge: "a survey of the audience, e.g. the endline KAP survey compared with the baseline",
    KAPElement.attitude: "a survey of the audience, e.g. the attitude questions of the endline KAP survey",
    KAPElement.practice: "the KAP survey's practice items, or a service's own log (hotline calls, chatbot "
                         "conversations, visits to the find-help page)",
    KAPElement.reach: "page analytics, broadcast logs, event sign-in sheets, or recall questions in the survey",
    KAPElement.engagement: "page analytics (likes, comments, shares, chatbot conversations)",
    KAPElement.output: "production records: the list of finished content",
}


def means_kinds(text: str) -> set[str]:
    lowered = (text or "").lower()
    return {kind for kind, words in MEANS_KEYWORDS.items() if any(w in lowered for w in words)}


def check(objective: Objective, *, today: date | None = None,
          audiences: Sequence[AudienceOption] | None = None) -> list[Flag]:
    """Every check the objective fails, in the order of the form. `audiences` are the
    campaign's known audiences (an audience named outside them is flagged); `today`
    decides whether the deadline has passed."""
    o = objective
    today = today or date.today()
    flags: list[Flag] = []

    def flag(key: str, reason: str, suggestion: str) -> None:
        flags.append(Flag(key, CHECKS[key], reason, suggestion))

    # Audience and place
    if o.audience is None:
        flag("audience_missing", "The objective does not say whose knowledge, attitude or practice should change.",
             "Choose the audience from the audience analysis (usually the primary audience).")
    elif audiences and resolve(o.audience, audiences) is None:
        flag("audience_missing", f"'{o.audience.name}' is not one of the audiences in the audience analysis.",
             "Choose one of the campaign's audiences, or add this one to the audience analysis first.")
    if not o.place.strip():
        flag("place_missing", "The objective does not say where the change should happen.",
             "Name the area of dissemination, e.g. the districts or cities the PPCD chose.")

    # Wording of the behaviour and the indicator
    for field_name, text in (("behaviour", o.behaviour), ("indicator", o.indicator)):
        match = _VAGUE.search(text or "")
        if match:
            flag("vague_verb", f"The {field_name} says '{match.group(0)}', which no survey or record can observe.",
                 "Say what the audience will know, feel or do that can be counted, e.g. 'can name two signs of a "
                 "false job offer' or 'check a job offer with the hotline before accepting it'.")
            break
    several = behaviours_in(o.behaviour)
    if len(several) > 1:
        listed = "; ".join(f"'{b}'" for b in several[:3])
        flag("several_behaviours", f"The behaviour holds {len(several)} behaviours: {listed}.",
             "Keep one behaviour per objective and write another objective for each of the others, so each "
             "can be measured and met on its own.")

    # Numbers
    if o.target_value is None:
        flag("no_number", "There is no target value, so no one can tell whether the objective was met.",
             "Type the target as a number, e.g. 60 for 60% of the audience or 20000 people reached.")
    if o.measure is Measure.change:
        if not o.baseline_source.strip():
            flag("no_baseline", "A change is measured from a baseline, but the objective names none.",
                 "Name the baseline measurement, e.g. 'KAP baseline survey, 2020 (n=500)'.")
    elif o.baseline_value is None:
        flag("no_baseline", "Without a baseline value no one can tell how much the audience changed.",
             "Type the baseline from the KAP baseline survey or the service's records (0 for something new, "
             "such as a page that did not exist), with its source.")
    elif not o.baseline_source.strip():
        flag("no_baseline", "The baseline value has no source, so no one can check where it comes from.",
             "Name the source, e.g. 'KAP baseline survey, June 2020 (n=500)'.")
    if o.target_value is not None:
        if o.measure is Measure.change:
            if o.target_value <= 0:
                flag("target_direction", f"A change of {shown_value(o.target_value, o.measure)} is no change in the "
                                         f"intended direction ({o.direction.value}).",
                     "Type the size of the change as a positive number and choose increase or decrease.")
        elif o.baseline_value is not None:
            up = o.direction is Direction.increase
            if (up and o.target_value <= o.baseline_value) or (not up and o.target_value >= o.baseline_value):
                flag("target_direction",
                     f"The target ({shown_value(o.target_value, o.measure)}) is not "
                     f"{'above' if up else 'below'} the baseline ({shown_value(o.baseline_value, o.measure)}), "
                     f"though the objective is to {o.direction.value}.",
                     f"Set a target {'higher' if up else 'lower'} than the baseline, or change the direction.")
    outside = []
    for label, value in (("baseline", o.baseline_value), ("target", o.target_value), ("result", o.result_value)):
        if value is None:
            continue
        if o.measure is Measure.percent and not 0 <= value <= 100:
            outside.append(f"the {label} is {shown_value(value, o.measure)}")
        elif o.measure is Measure.number and value < 0:
            outside.append(f"the {label} is {number(value)}")
    if outside:
        if o.measure is Measure.percent:
            flag("out_of_range", f"A share of the audience lies between 0% and 100%, but {' and '.join(outside)}.",
                 "Check the figure; for a change on the baseline choose 'Change on the baseline (%)'.")
        else:
            flag("out_of_range", f"A count cannot be below zero, but {' and '.join(outside)}.",
                 "Check the figure; to aim for fewer of something, choose 'Decrease' and a lower target.")

    # Time
    if o.deadline is None:
        flag("deadline", "There is no deadline, so the objective is not time-bound.",
             "Set the date by which the change should be measured, usually the endline survey's date.")
    elif o.deadline < today and o.result_value is None:
        flag("deadline", f"The deadline ({long_date(o.deadline)}) has passed and no result is recorded.",
             "Record the result from the endline, or move the deadline if the campaign runs later.")

    # Means of verification
    means = o.verification.strip()
    if not means:
        flag("means_mismatch", "There is no means of verification, so no one knows how the indicator will be measured.",
             f"Name it: {SUGGESTED_MEANS[o.element]}.")
    else:
        kinds = means_kinds(means)
        allowed = CAN_MEASURE[o.element]
        if kinds and not kinds & allowed:
            shown = " or ".join(sorted(MEANS_NAMES[k] for k in kinds))
            flag("means_mismatch",
                 f"{shown[0].upper() + shown[1:]} cannot measure {o.element.value}: "
                 f"{_what_it_misses(o.element)}.",
                 f"Use {SUGGESTED_MEANS[o.element]}.")
    return flags


def _what_it_misses(element: KAPElement) -> str:
    return {
        KAPElement.knowledge: "knowing is only observed by asking the audience",
        KAPElement.attitude: "feelings and beliefs are only observed by asking the audience",
        KAPElement.practice: "what people do is observed by asking them or in a service's records",
        KAPElement.reach: "reach is counted by the channels themselves or asked in a survey",
        KAPElement.engagement: "interactions are counted by the platforms",
        KAPElement.output: "outputs are counted from the production records",
    }[element]


def checked(objectives: Iterable[Objective], *, today: date | None = None,
            audiences: Sequence[AudienceOption] | None = None) -> list[tuple[Objective, list[Flag]]]:
    return [(o, check(o, today=today, audiences=audiences)) for o in objectives]


# ---- the worksheet ----------------------------------------------------------------------------------
REPORTED_SESSIONS = (SessionKind.media_camp_1, SessionKind.media_camp_2)


class SmartObjectivesWorksheet:
    key = "smart_objectives"
    title = "SMART objectives"
    p_step = PStep.design
    roadshow_step = RoadshowStep.media_camp_1
    page = "worksheets/smart_objectives.py"
    icon = ":material/flag:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        objectives = load(store, campaign.id).objectives
        if not objectives:
            return Progress(Status.not_started, "No objective yet.",
                            "Set the SMART objectives: what the primary audience should know, feel and do.")
        audiences = known_audiences(store, campaign.id)
        flagged = [(o, f) for o, f in checked(objectives, audiences=audiences) if f]
        n = len(objectives)
        detail = f"{n} objective{'s' if n != 1 else ''}"
        if flagged:
            first, flags = flagged[0]
            return Progress(Status.in_progress, f"{detail}, {len(flagged)} flagged.",
                            f"Fix the SMART objective '{first.title}': {flags[0].title.lower()}.")
        primary = next((a for a in audiences if a.role is not None and a.role.value == "primary"), None)
        if primary is not None and not any(resolve(o.audience, audiences) == primary for o in objectives):
            return Progress(Status.in_progress, f"{detail}; none for the primary audience.",
                            f"Add a SMART objective for the primary audience, {primary.name}.")
        return Progress(Status.done, f"{detail}, all pass the checks.")

    def report_section(self, store: "Store", campaign: Campaign, session: Session, writer: "ReportWriter") -> bool:
        if session.kind not in REPORTED_SESSIONS:
            return False
        objectives = load(store, campaign.id).objectives
        if not objectives:
            return False
        audiences = known_audiences(store, campaign.id)
        writer.heading("SMART objectives", 1)
        rows = []
        for number_, (o, flags) in enumerate(checked(objectives, audiences=audiences), start=1):
            checks = "; ".join(f.title for f in flags) if flags else "All checks pass"
            rows.append([str(number_), sentence(o, shown_name(o.audience, audiences)), o.element.value.capitalize(),
                         checks])
        writer.table(["#", "Objective", "Element", "Checks"], rows, widths_cm=[0.9, 10.6, 2.2, 3.1])
        return True


register(SmartObjectivesWorksheet())
