"""Audience analysis (P-Process step 1, "know your audience"): the vocabulary.

The IOM X audience framework (origin/destination × community/individual), the primary,
secondary and tertiary audiences with their approaches, the profile of the primary
audience, the Social Ecological Model (SEM) map of influences, the sector lens and the
stakeholder map. Each part is one worksheet whose content is kept as one JSON document
per campaign (`KINDS` names them); `c4d.audience.reading.load_analysis` reads them all
into one `AudienceAnalysis`, so the creative brief, the SMART objectives and the reports
read one object.

Checks and warnings live in `c4d.audience.checks`, the writes in `c4d.audience.commands`,
the pages in `worksheets/`.
"""

from __future__ import annotations

from enum import Enum
from pydantic import Field, field_validator

from c4d.models import DecisionTopic, LongText, Model, OptionalName, OrgType, RequiredName, name_key, new_id, same_name
from c4d.text import clip

LIST_MAX = 200  # entries in one list (audiences, influences, stakeholders, ...)


# ---- the audience framework (IOM X 2×2) -----------------------------------------------
class Side(str, Enum):
    origin = "origin"            # community of origin / source
    destination = "destination"  # community of destination / demand

    @property
    def label(self) -> str:
        return {"origin": "Community of origin (source)",
                "destination": "Community of destination (demand)"}[self.value]


class Level(str, Enum):
    community = "community"
    individual = "individual"

    @property
    def label(self) -> str:
        return {"community": "Community level", "individual": "Individual level"}[self.value]


class EntryKind(str, Enum):
    audience = "audience"
    activity = "activity"


class FrameworkEntry(Model):
    """One sticky note on the 2×2: an audience (who, why they matter, evidence) or an
    activity idea for that cell."""

    id: str = Field(default_factory=new_id)
    side: Side
    level: Level
    kind: EntryKind = EntryKind.audience
    who: RequiredName            # the audience, or the activity's name
    why: LongText = ""           # why they matter / what the activity does
    evidence: LongText = ""
    source: str = Field(default="facilitator", pattern="^(facilitator|phone)$")
    idea_id: str | None = None   # the idea-board idea it came from, when sent from a phone

    @property
    def cell_label(self) -> str:
        return cell_label(self.side, self.level)


def cell_label(side: Side, level: Level) -> str:
    """E.g. 'Destination · individual level' (short, for tables and messages)."""
    return f"{side.value.capitalize()} · {level.label.lower()}"


# The question the room (or the phones, through the idea board) is asked for each cell.
FRAMEWORK_QUESTIONS = {
    (Side.origin, Level.individual): "Who is most at risk in the places people come from?",
    (Side.origin, Level.community): "Who around them (family, neighbours, local leaders, schools) shapes "
                                    "their decisions?",
    (Side.destination, Level.community): "Which businesses, employers or recruiters create the demand where "
                                         "people end up?",
    (Side.destination, Level.individual): "Who are the clients or consumers who create the demand?",
}


class AudienceFramework(Model):
    entries: list[FrameworkEntry] = Field(default_factory=list, max_length=LIST_MAX)

    @field_validator("entries")
    @classmethod
    def _unique(cls, entries: list[FrameworkEntry]) -> list[FrameworkEntry]:
        seen: dict[tuple, FrameworkEntry] = {}
        for e in entries:
            key = (e.side, e.level, e.kind, name_key(e.who))
            if key in seen:
                raise ValueError(f"'{e.who}' is already in the cell '{e.cell_label}'")
            seen[key] = e
        return entries

    def cell(self, side: Side, level: Level, kind: EntryKind | None = None) -> list[FrameworkEntry]:
        return [e for e in self.entries if e.side is side and e.level is level and (kind is None or e.kind is kind)]


# ---- primary, secondary, tertiary audiences --------------------------------------------
class AudienceRole(str, Enum):
    primary = "primary"
    secondary = "secondary"
    tertiary = "tertiary"

    @property
    def label(self) -> str:
        return {"primary": "Primary audience", "secondary": "Secondary audience",
                "tertiary": "Tertiary audience"}[self.value]


class Approach(str, Enum):
    bcc = "bcc"
    social_mobilisation = "social_mobilisation"
    advocacy = "advocacy"

    @property
    def label(self) -> str:
        return {"bcc": "Behaviour change communication", "social_mobilisation": "Social mobilisation",
                "advocacy": "Advocacy"}[self.value]


# The approach that usually fits each role (the facilitator can choose another).
USUAL_APPROACH = {AudienceRole.primary: Approach.bcc, AudienceRole.secondary: Approach.social_mobilisation,
                  AudienceRole.tertiary: Approach.advocacy}

# The PPCD decisions that can become an audience in one click, and the role they give it.
ADOPTABLE = {DecisionTopic.primary_audience: AudienceRole.primary,
             DecisionTopic.secondary_audience: AudienceRole.secondary}


class Audience(Model):
    id: str = Field(default_factory=new_id)
    role: AudienceRole
    name: RequiredName
    approach: Approach
    description: LongText = ""
    framework_entry_ids: list[str] = Field(default_factory=list, max_length=LIST_MAX)
    decision_id: str | None = None  # the PPCD decision it comes from, when adopted by vote

    @field_validator("framework_entry_ids")
    @classmethod
    def _links_once(cls, ids: list[str]) -> list[str]:
        return list(dict.fromkeys(ids))


class Audiences(Model):
    audiences: list[Audience] = Field(default_factory=list, max_length=LIST_MAX)

    @field_validator("audiences")
    @classmethod
    def _unique(cls, audiences: list[Audience]) -> list[Audience]:
        for i, a in enumerate(audiences):
            for b in audiences[:i]:
                if same_name(a.name, b.name):
                    raise ValueError(f"'{b.name}' is listed twice; keep one")
        if sum(a.role is AudienceRole.primary for a in audiences) > 1:
            raise ValueError("a campaign has one primary audience; make the others secondary")
        return audiences


# ---- the primary audience's profile ----------------------------------------------------
class InfluenceShare(Model):
    who: RequiredName
    share: float | None = Field(default=None, ge=0, le=100)  # % of the audience who say so


class AudienceProfile(Model):
    """Who the primary audience is and what they know, feel and do now, in their words."""

    age_band: OptionalName = ""
    sex: OptionalName = ""
    location: OptionalName = ""
    occupation: OptionalName = ""        # occupation / situation
    education: OptionalName = ""
    knows: LongText = ""
    feels: LongText = ""
    does: LongText = ""
    information_sources: list[RequiredName] = Field(default_factory=list, max_length=LIST_MAX)
    platforms: list[RequiredName] = Field(default_factory=list, max_length=LIST_MAX)
    influencers: list[InfluenceShare] = Field(default_factory=list, max_length=LIST_MAX)
    influenced_share: float | None = Field(default=None, ge=0, le=100)  # e.g. 86% say others influence them
    agency: LongText = ""
    barriers: list[RequiredName] = Field(default_factory=list, max_length=LIST_MAX)
    motivators: list[RequiredName] = Field(default_factory=list, max_length=LIST_MAX)
    quotes: list[LongText] = Field(default_factory=list, max_length=LIST_MAX)
    evidence: LongText = ""              # where these facts come from (KAP baseline, FGDs, the room)

    @field_validator("information_sources", "platforms", "barriers", "motivators", "quotes")
    @classmethod
    def _no_repeats(cls, items: list[str]) -> list[str]:
        items = [i for i in items if i.strip()]
        _refuse_repeats(items)
        return items

    @field_validator("influencers")
    @classmethod
    def _one_share_each(cls, influencers: list[InfluenceShare]) -> list[InfluenceShare]:
        _refuse_repeats([i.who for i in influencers])
        return influencers


def _refuse_repeats(names: list[str]) -> None:
    for i, a in enumerate(names):
        for b in names[:i]:
            if same_name(a, b):
                raise ValueError(f"'{clip(b, 60)}' is listed twice; keep one")


# ---- Social Ecological Model -------------------------------------------------------------
class SEMLevel(str, Enum):
    individual = "individual"
    interpersonal = "interpersonal"
    community = "community"
    societal = "societal"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Direction(str, Enum):
    helps = "helps"
    harms = "harms"


class Influence(Model):
    id: str = Field(default_factory=new_id)
    level: SEMLevel
    who_or_what: RequiredName
    direction: Direction
    strength: int = Field(default=2, ge=1, le=3)  # 1 weak, 2 moderate, 3 strong
    evidence: LongText = ""
    addressed_by: OptionalName = ""  # the activity or partner that will address it


class SEMMap(Model):
    influences: list[Influence] = Field(default_factory=list, max_length=LIST_MAX)

    @field_validator("influences")
    @classmethod
    def _unique(cls, influences: list[Influence]) -> list[Influence]:
        seen: set[tuple] = set()
        for i in influences:
            key = (i.level, name_key(i.who_or_what))
            if key in seen:
                raise ValueError(f"'{i.who_or_what}' is already at the {i.level.label.lower()} level")
            seen.add(key)
        return influences

    def at(self, level: SEMLevel) -> list[Influence]:
        return [i for i in self.influences if i.level is level]


# ---- sector lens ---------------------------------------------------------------------------
SECTOR_CONSIDERATIONS = {
    "life_and_work": "Life and work context",
    "recruitment": "Recruitment",
    "regulation": "Regulation",
    "gender_bias": "Gender bias",
    "severity": "Severity of exploitation",
}


class SectorLens(Model):
    sector: OptionalName = ""
    life_and_work: LongText = ""
    recruitment: LongText = ""
    regulation: LongText = ""
    gender_bias: LongText = ""
    severity: LongText = ""

    def notes(self) -> list[tuple[str, str]]:
        """(consideration, note) for every consideration with a note, in the usual order."""
        return [(label, getattr(self, key)) for key, label in SECTOR_CONSIDERATIONS.items() if getattr(self, key)]


# ---- stakeholders ----------------------------------------------------------------------------
class StakeholderRole(str, Enum):
    content_review = "content_review"
    dissemination = "dissemination"
    service = "service"
    advocacy_target = "advocacy_target"

    @property
    def label(self) -> str:
        return {"content_review": "Reviews content", "dissemination": "Dissemination channel",
                "service": "Service behind the call to action",
                "advocacy_target": "Advocacy target"}[self.value]


class Stakeholder(Model):
    id: str = Field(default_factory=new_id)
    organisation: RequiredName
    org_type: OrgType
    sem_level: SEMLevel = SEMLevel.community
    influence: int = Field(default=3, ge=1, le=5)
    interest: int = Field(default=3, ge=1, le=5)
    roles: list[StakeholderRole] = Field(default_factory=list, max_length=4)
    contact_person: OptionalName = ""
    notes: LongText = ""

    @field_validator("roles")
    @classmethod
    def _roles_once(cls, roles: list[StakeholderRole]) -> list[StakeholderRole]:
        return list(dict.fromkeys(roles))


class StakeholderMap(Model):
    stakeholders: list[Stakeholder] = Field(default_factory=list, max_length=LIST_MAX)

    @field_validator("stakeholders")
    @classmethod
    def _unique(cls, stakeholders: list[Stakeholder]) -> list[Stakeholder]:
        _refuse_repeats([s.organisation for s in stakeholders])
        return stakeholders


# ---- one object for the rest of the toolkit ------------------------------------------------
KINDS = {
    "audience_framework": AudienceFramework,
    "audiences": Audiences,
    "audience_profile": AudienceProfile,
    "sem": SEMMap,
    "sector_lens": SectorLens,
    "stakeholders": StakeholderMap,
}


class AudienceAnalysis(Model):
    framework: AudienceFramework = Field(default_factory=AudienceFramework)
    audiences: list[Audience] = Field(default_factory=list)
    profile: AudienceProfile = Field(default_factory=AudienceProfile)
    sem: SEMMap = Field(default_factory=SEMMap)
    sector: SectorLens = Field(default_factory=SectorLens)
    stakeholders: list[Stakeholder] = Field(default_factory=list)

    def by_role(self, role: AudienceRole) -> list[Audience]:
        return [a for a in self.audiences if a.role is role]

    @property
    def primary(self) -> Audience | None:
        return next(iter(self.by_role(AudienceRole.primary)), None)
