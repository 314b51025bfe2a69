"""Composing the creative brief: what it takes from the campaign's tools, and its own fields.

`compose` reads the campaign (background), the PPCD decisions in force, the audience
analysis (audiences, the primary audience's profile, barriers, sector lens, services),
the SMART objectives, the channel plan and the pre-test history, adds the brief's own
fields, and returns a `ComposedBrief`: plain data, what a version freezes.

`pretest_history` is the one read of the pre-test tool, through its typed contract
`c4d.pretest.revisions.revision_history`.
"""

from __future__ import annotations

import logging
from datetime import date

from c4d.audience.model import USUAL_APPROACH, AudienceAnalysis, StakeholderRole
from c4d.audience.reading import load_analysis
from c4d.brief.model import KIND, AudienceLine, BriefFields, ChannelLine, ComposedBrief, HistoryLine, \
    ObjectiveLine, ProfileSnap
from c4d.db.store import Store
from c4d.decisions.model import in_force
from c4d.models import Campaign, DecisionTopic, utcnow
from c4d.pretest.model import PretestError
from c4d.pretest.revisions import revision_history
from c4d.strategy import channel_checks
from c4d.strategy.model import audience_names, shown_name
from c4d.strategy.smart_checks import checked
from c4d.strategy.wording import result_line, sentence, short_sentence, status
from c4d.strategy.worksheet import known_audiences, load_objectives, load_plan
from c4d.text import short_date, number

log = logging.getLogger(__name__)


def load_fields(store: Store, campaign_id: str) -> BriefFields:
    """The brief's own fields as saved (empty ones when nothing is written yet)."""
    return store.load_worksheet(campaign_id, KIND, BriefFields, "creative brief")


def _analysis(store: Store, campaign_id: str) -> AudienceAnalysis:
    try:
        return load_analysis(store, campaign_id)
    except ValueError:
        log.warning("The audience analysis of %s cannot be read; the brief is composed without it.", campaign_id)
        return AudienceAnalysis()


def compose(store: Store, campaign: Campaign, *, today: date | None = None) -> ComposedBrief:
    """The brief as the campaign stands now."""
    analysis = _analysis(store, campaign.id)
    options = known_audiences(store, campaign.id)
    decided = in_force(store, campaign.id)
    fields = load_fields(store, campaign.id)

    if analysis.audiences:
        order = ["primary", "secondary", "tertiary"]
        lines = [AudienceLine(role=a.role.label, name=a.name, approach=a.approach.label, description=a.description)
                 for a in sorted(analysis.audiences, key=lambda a: order.index(a.role.value))]
    else:
        lines = [AudienceLine(role=o.role.label, name=o.name, approach=USUAL_APPROACH[o.role].label,
                              description="Decided at the PPCD; not yet described in the audience analysis.")
                 for o in options if o.role is not None]
    primary_option = next((o for o in options if o.role is not None and o.role.value == "primary"), None)
    profile = analysis.profile
    primary_audience = analysis.primary
    facts = [(label, value) for label, value in (
        ("Age", profile.age_band), ("Sex", profile.sex), ("Where they live", profile.location),
        ("Occupation or situation", profile.occupation), ("Education", profile.education)) if value]
    influencers = [f"{i.who} ({number(i.share)}%)" if i.share is not None else i.who for i in profile.influencers]
    if profile.influenced_share is not None:
        influencers.insert(0, f"{number(profile.influenced_share)}% say others influence their decisions")
    primary = ProfileSnap(
        name=primary_option.name if primary_option else "",
        description=primary_audience.description if primary_audience else "",
        facts=facts, knows=profile.knows, feels=profile.feels, does=profile.does,
        information_sources=list(profile.information_sources), platforms=list(profile.platforms),
        influencers=influencers, agency=profile.agency, motivators=list(profile.motivators),
        quotes=list(profile.quotes),
    )

    objectives = []
    for o, flags in checked(load_objectives(store, campaign.id).objectives, today=today, audiences=options):
        objectives.append(ObjectiveLine(
            sentence=sentence(o, shown_name(o.audience, options)), short=short_sentence(o),
            element=o.element.value.capitalize(),
            audience=shown_name(o.audience, options), verification=o.verification,
            result=result_line(o), status=status(o) or "",
            flags=[f"{f.title}: {f.reason}" for f in flags],
        ))

    plan = load_plan(store, campaign.id)
    channel_lines = [ChannelLine(
        channel=e.kind.label, detail=e.detail, audiences=audience_names(e, options), evidence=e.evidence,
        timing=e.timing, partner=e.partner, languages=list(e.languages), expected_reach=e.expected_reach, cost=e.cost,
    ) for e in plan.entries]
    channel_warnings = [w.message for w in channel_checks.warnings(plan, options)
                        if w.kind in ("primary_without_channel", "no_evidence")]

    services = [s.organisation + (f" ({s.notes})" if s.notes else "") for s in analysis.stakeholders
                if StakeholderRole.service in s.roles]

    return ComposedBrief(
        campaign_name=campaign.name, country=campaign.country, organisers=list(campaign.organisers),
        language=campaign.participant_language, background=campaign.summary,
        trend=decided[DecisionTopic.trend].choice if DecisionTopic.trend in decided else "",
        area=decided[DecisionTopic.area].choice if DecisionTopic.area in decided else "",
        audiences=lines, has_primary=primary_option is not None, primary=primary,
        barriers=list(profile.barriers), objectives=objectives, channels=channel_lines, currency=plan.currency,
        channel_warnings=channel_warnings, sector=analysis.sector.sector, sector_notes=analysis.sector.notes(),
        services=services, brief=fields.model_dump(mode="json"),
        pretest_history=pretest_history(store, campaign.id) + revision_lines(fields),
        composed_at=utcnow(),
    )


def revision_lines(fields: BriefFields) -> list[HistoryLine]:
    """The brief's own revision notes as history lines, oldest first (undated ones last)."""
    notes = sorted(fields.revisions, key=lambda r: (r.when is None, r.when or date.min))
    return [HistoryLine(when=short_date(r.when) if r.when else "", what=r.what, change=r.change, source="brief")
            for r in notes if r.what or r.change]


def pretest_history(store: Store, campaign_id: str) -> list[HistoryLine]:
    """What the pre-test records (each decision on a material, each new version), oldest
    first, as lines of the brief's history. No pre-test gives an empty list; so does a
    pre-test record that cannot be read (the pre-test page says why), so the brief still
    composes."""
    try:
        revisions = revision_history(store, campaign_id)
    except PretestError:
        log.warning("The pre-test record of %s cannot be read; the brief is composed without its history.",
                    campaign_id)
        return []
    return [HistoryLine(when=short_date(r.date), what=r.material, change=r.change, source="pre-test")
            for r in revisions]
