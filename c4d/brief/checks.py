"""The brief's completeness check: what is missing or weak, section by section.

A brief with gaps can still be exported: every rendering marks each gap where it is
(`c4d.brief.outline`). Each `Gap` says where it is fixed (`fix_on`), which the page
turns into a link to the worksheet that fixes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from c4d.brief.model import ComposedBrief


@dataclass(frozen=True)
class Gap:
    section: str   # a key of c4d.brief.model.SECTION_TITLES
    level: str     # "missing" or "weak"
    message: str
    fix_on: str = "brief"   # one of c4d.brief.model.FIX_ON: the campaign details, the audience analysis, ...

    @property
    def label(self) -> str:
        return "Missing" if self.level == "missing" else "To strengthen"


_FEAR = re.compile(r"\b(fear|scar(?:e|y|ing)|shock(?:ing)?|frighten(?:ing)?|terrif(?:y|ying)|horror|horrif(?:ic|ying)"
                   r"|graphic|gruesome|threat(?:en|ening)?)\b", re.IGNORECASE)
_NEGATION = {"no", "not", "avoid", "avoids", "avoiding", "without", "never", "nor", "don't", "dont", "non", "free",
             "instead"}
_DO_NO_HARM = re.compile(r"surviv|identif|consent|do[\s-]*no[\s-]*harm|anonym|privacy|blur", re.IGNORECASE)
_VAGUE_CTA = re.compile(r"\bbe (?:more )?(?:aware|careful|vigilant)\b|\braise awareness\b|\bstay safe\b|"
                        r"\bunderstand\b|\bthink twice\b", re.IGNORECASE)
_CONTACT_WORDS = re.compile(r"hotline|helpline|help line|chatbot|phone|number|contact|page|website|\d{3}",
                            re.IGNORECASE)


def uses_fear(text: str) -> list[str]:
    """Fear words used as a tone (not 'no fear', 'avoid shock images')."""
    found = []
    for match in _FEAR.finditer(text or ""):
        before = re.findall(r"[\w']+", text[: match.start()].lower())[-3:]
        if not any(word in _NEGATION for word in before):
            found.append(match.group(0))
    return found


def words(text: str) -> int:
    return len(re.findall(r"\w+", text or ""))


def check(brief: ComposedBrief) -> list[Gap]:
    """What is missing or weak, in the order of the brief."""
    f = brief.fields
    gaps: list[Gap] = []

    def gap(section: str, level: str, message: str, fix_on: str = "brief") -> None:
        gaps.append(Gap(section, level, message, fix_on))

    if not brief.background.strip():
        gap("background", "missing", "There is no background: write the campaign's background in Settings and "
                                     "backup → This campaign.", "campaign")
    if not f.problem.strip():
        gap("background", "weak", "State the problem the campaign answers, in one or two sentences.")
    if not brief.has_primary:
        gap("audiences", "missing", "No primary audience: choose it in the audience analysis (or record the PPCD's "
                                    "decision on the primary target group).", "audience")
    elif brief.primary.is_empty():
        gap("audiences", "weak", "The primary audience has no profile yet: what they know, feel and do, where they "
                                 "get information, who influences them.", "audience")
    if brief.has_primary and not any(a.role.lower().startswith("secondary") for a in brief.audiences):
        gap("audiences", "weak", "No secondary audience: who influences the primary audience (family, friends, "
                                 "peers)?", "audience")
    if not brief.objectives:
        gap("objectives", "missing", "No SMART objective yet.", "smart")
    else:
        flagged = [o for o in brief.objectives if o.flags]
        if flagged:
            gap("objectives", "weak", f"{len(flagged)} of {len(brief.objectives)} objectives have open checks on "
                                      f"the SMART objectives page.", "smart")
    if not brief.barriers:
        gap("barriers", "missing", "No barriers: list the beliefs, norms and misinformation from the baseline in the "
                                   "audience profile.", "audience")
    if not brief.sector_notes:
        gap("considerations", "weak", "No sector-lens notes (life and work, recruitment, regulation, gender, "
                                      "severity) to guide the creative work.", "sector")
    if not f.key_promise.strip():
        gap("promise", "missing", "There is no key promise: the one benefit the audience gets.")
    elif words(f.key_promise) > 35:
        gap("promise", "weak", f"The key promise runs to {words(f.key_promise)} words; keep it to one benefit in "
                               f"one sentence.")
    if not [s for s in f.support_statements if s.strip()]:
        gap("support", "missing", "No support statements: why should the audience believe the promise?")
    if not f.call_to_action.strip():
        gap("cta", "missing", "There is no call to action.")
    else:
        if not f.cta_service.strip() or not f.cta_contact.strip():
            missing = " and ".join(x for x, v in (("the service", f.cta_service), ("its contact", f.cta_contact))
                                   if not v.strip())
            gap("cta", "weak", f"The call to action does not name {missing}: link it to a real service people "
                               f"can reach.")
        vague = _VAGUE_CTA.search(f.call_to_action)
        if vague:
            gap("cta", "weak", f"'{vague.group(0)}' is not an action someone can take: ask for one concrete step.")
    if not [m for m in f.key_messages if m.strip()]:
        gap("messages", "missing", "No key messages.")
    elif len(f.key_messages) > 7:
        gap("messages", "weak", f"{len(f.key_messages)} key messages is more than a campaign can carry; keep three "
                                f"to five.")
    if not f.slogan.strip():
        gap("messages", "weak", "No slogan yet (if the campaign will have one, test it in the pre-test).")
    if not f.tone.strip():
        gap("tone", "missing", "No tone: say how the content should feel (positive and empowering, not fear).")
    elif fear := uses_fear(f.tone):
        gap("tone", "weak", f"The tone asks for '{fear[0]}': scare tactics do not work for long-term decisions; "
                            f"aim for positive and empowering.")
    if not brief.channels:
        gap("channels", "missing", "No channels: plan them on the Channels and distribution page.", "channels")
    for warning in brief.channel_warnings:
        gap("channels", "weak", warning, "channels")
    if not f.languages.strip():
        gap("languages", "missing", "No languages: which languages, and who dubs?")
    if not f.creative_considerations.strip():
        gap("considerations", "missing", "No creative considerations (real people from the audience, gender lens, "
                                         "do no harm).")
    elif not _DO_NO_HARM.search(f.creative_considerations):
        gap("considerations", "weak", "Say how survivors are protected: no identifiable survivors, consent for "
                                      "everyone shown.")
    if not f.mandatory_elements.strip():
        gap("mandatory", "missing", "No mandatory elements (logos, helpline number, slogan).")
    elif not (_CONTACT_WORDS.search(f.mandatory_elements)
              or (f.cta_contact.strip() and f.cta_contact.strip().lower() in f.mandatory_elements.lower())):
        gap("mandatory", "weak", "The mandatory elements do not include the service's contact (helpline number "
                                 "or page).")
    if not f.deliverables:
        gap("deliverables", "missing", "No deliverables: what should the partner produce, in which formats?")
    for number, d in enumerate(f.deliverables, start=1):
        if not d.item.strip():
            gap("deliverables", "missing", f"Deliverable {number} has no name: say what the partner should "
                                           f"produce.")
    absent = [name for name, value in (("timeline", f.timeline), ("budget", f.budget), ("approvals", f.approvals))
              if not value.strip()]
    if absent:
        gap("logistics", "missing", f"Not yet written: {', '.join(absent)}.")
    if not f.pretest_plan.strip():
        gap("pretest_plan", "missing", "No pre-test plan: who tests the drafts, where, when, on which criteria?")
    return gaps


def gaps_by_section(gaps: Iterable[Gap]) -> dict[str, list[Gap]]:
    grouped: dict[str, list[Gap]] = {}
    for g in gaps:
        grouped.setdefault(g.section, []).append(g)
    return grouped


def completeness_line(gaps: Sequence[Gap]) -> str:
    missing = sum(g.level == "missing" for g in gaps)
    weak = len(gaps) - missing
    if not gaps:
        return "Complete: nothing missing or weak."
    parts = [f"{missing} missing" if missing else "", f"{weak} to strengthen" if weak else ""]
    return "Gaps marked in the text: " + ", ".join(p for p in parts if p) + "."
