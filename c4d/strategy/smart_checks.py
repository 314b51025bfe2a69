"""The SMART checks: every check an objective fails, each a `Flag` with a short reason and
a suggestion. A flagged objective is still saved: flags are derived from the content each
time it is shown, so a flag stays visible exactly until the objective is fixed.

The wording checks (vague verbs, several behaviours, the means of verification) read
English; on text in another language they stay silent rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from c4d.strategy.model import AudienceOption, Direction, KAPElement, Measure, Objective, resolve
from c4d.strategy.wording import shown_value
from c4d.text import short_date, number


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
        flag("deadline", f"The deadline ({short_date(o.deadline)}) has passed and no result is recorded.",
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
