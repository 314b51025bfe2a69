"""Between the audience pages' form fields and the model: text typed one item a line read
into items (and written back for editing), and refusals worded for the facilitator, with
the field's label as the page shows it."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import ValidationError

from c4d.audience.model import SECTOR_CONSIDERATIONS, AudienceProfile, InfluenceShare
from c4d.models import Model, friendly_errors

P = TypeVar("P", bound=Model)

# ---- refusals in the facilitator's words --------------------------------------------------------
LABELS = {
    "who": "Who", "why": "Why it matters", "evidence": "Evidence", "side": "Side", "level": "Level",
    "kind": "Kind", "name": "Name", "role": "Role", "approach": "Approach", "description": "Description",
    "age_band": "Age band", "sex": "Sex", "location": "Location", "occupation": "Occupation or situation",
    "education": "Education", "knows": "What they know", "feels": "What they feel", "does": "What they do",
    "information_sources": "Information sources", "platforms": "Platforms", "influencers": "Influencers",
    "influenced_share": "Share influenced by others", "agency": "Sense of agency", "barriers": "Barriers",
    "motivators": "Motivators", "quotes": "Quotes", "who_or_what": "Who or what", "direction": "Direction",
    "strength": "Strength", "addressed_by": "Addressed by", "sector": "Sector",
    "organisation": "Organisation", "org_type": "Type of organisation", "sem_level": "SEM level",
    "influence": "Influence", "interest": "Interest", "roles": "Roles", "contact_person": "Contact person",
    "notes": "Notes", "share": "Share", **SECTOR_CONSIDERATIONS,
    # whole lists: their own messages say what is wrong
    "entries": "", "audiences": "", "stakeholders": "", "influences": "",
}


# Lists typed one item a line: a refusal says which item.
ITEM_LISTS = ("information_sources", "platforms", "barriers", "motivators", "quotes", "influencers")


def explain(error: ValidationError) -> str:
    """A ValidationError as one sentence per problem, with the field's label."""
    lines = []
    for item, text in zip(error.errors(), friendly_errors(error)):
        loc = [p for p in item["loc"] if not isinstance(p, int)]
        where = " ".join(str(p).replace("_", " ") for p in loc)
        message = text[len(where) + 2:] if where and text.startswith(where + ": ") else text
        field = str(loc[-1]) if loc else ""
        if loc and str(loc[0]) in ("influencers",) and field != "influencers":
            field = "influencers"
        label = LABELS.get(field, field.replace("_", " ").capitalize())
        index = next((n for n in item["loc"] if isinstance(n, int)), None)
        if label and index is not None and field in ITEM_LISTS:
            label = f"{label} (number {index + 1})"
        if not label:
            lines.append(message[:1].upper() + message[1:])
        elif message.split(" ", 1)[0] in ("cannot", "is", "has", "must"):
            lines.append(f"{label} {message}")
        else:
            lines.append(f"{label}: {message}")
    return "; ".join(lines)


def checked(model: type[P], **data: Any) -> P:
    """The model made from `data`; a refusal is a ValueError worded by `explain`."""
    try:
        return model(**data)
    except ValidationError as exc:
        raise ValueError(explain(exc)) from None


def validated(model: type[P], data: dict[str, Any]) -> P:
    """`model.model_validate(data)`; a refusal is a ValueError worded by `explain`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValueError(explain(exc)) from None


# ---- text typed one item a line -----------------------------------------------------------------
def lines(text: str) -> list[str]:
    """One item a line; blank lines and surrounding spaces dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def parse_influencers(text: str) -> list[InfluenceShare]:
    """'Siblings 45%' / 'Friends: 30 %' / 'Parents' (share unknown), one a line."""
    found = []
    for n, line in enumerate(lines(text), start=1):
        match = re.fullmatch(r"(.*?)[\s,:;–—-]*(\d{1,3}(?:[.,]\d+)?)\s*%", line)
        who, share = (match.group(1).strip(" ,:;–—-"), float(match.group(2).replace(",", "."))) if match else (line, None)
        if not who:
            raise ValueError(f"Influencers, line {n}: write who influences them before the share ('{line}').")
        if share is not None and share > 100:
            raise ValueError(f"Influencers, line {n}: a share runs from 0 to 100% ('{line}').")
        try:
            found.append(InfluenceShare(who=who, share=share))
        except ValidationError as exc:
            raise ValueError(f"Influencers, line {n}: " + explain(exc)) from None
    return found


def influencers_text(profile: AudienceProfile) -> str:
    """The profile's influencers as `parse_influencers` reads them back."""
    return "\n".join(f"{i.who} {i.share:g}%" if i.share is not None else i.who for i in profile.influencers)
