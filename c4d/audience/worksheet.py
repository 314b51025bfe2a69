"""The audience analysis as worksheets: its status on the overview and its sections of the
workshop report.

Five worksheets, in the order a PPCD usually takes them:

- **Sector lens** — the five considerations before choosing an audience;
- **Audience framework** — the IOM X 2×2, filled live by the facilitator or from the
  phones through the idea board;
- **Audiences** — primary (straight from the PPCD decision in one click), secondary and
  tertiary, each with its approach and its links to the framework; and the profile of
  the primary audience;
- **Social Ecological Model** — influences at four levels and who addresses them;
- **Stakeholder map** — influence × interest, and each stakeholder's role.

What the pages write is in `c4d.audience.commands`, what they read in
`c4d.audience.reading`.

The analysis belongs to the campaign, not to one session; it is written into the reports
of the sessions where it is worked on: the PPCD and Media Camp 1 (`REPORT_SESSIONS`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from c4d.audience.checks import PROFILE_PARTS, audience_findings, framework_findings, profile_parts_done, quadrant
from c4d.audience.checks import sem_findings, stakeholder_findings, warnings
from c4d.audience.model import SECTOR_CONSIDERATIONS, Audience, AudienceAnalysis, AudienceFramework, AudienceProfile
from c4d.audience.model import AudienceRole, EntryKind, Level, SectorLens, SEMLevel, SEMMap, Side, Stakeholder
from c4d.audience.reading import decisions_in_force, decisions_to_adopt, load_analysis, load_part
from c4d.models import Campaign, DecisionTopic, Session, SessionKind
from c4d.worksheet import Progress, PStep, RoadshowStep, Status, register
from c4d.text import plural

if TYPE_CHECKING:
    from c4d.db.store import Store
    from c4d.report_writer import ReportWriter

# The sessions whose workshop report carries the audience analysis.
REPORT_SESSIONS = (SessionKind.ppcd, SessionKind.media_camp_1)
CAMPAIGN_LEVEL_NOTE = ("The audience analysis belongs to the whole campaign: this section shows it as it stood "
                       "when the report was made. It appears in the reports of the PPCD and of Media Camp 1.")


# ---- shared by the worksheets ---------------------------------------------------------------------------
def _verdict(detail: str, findings: list, *then: str) -> Progress:
    """Done, unless a warning is still open (the first is the next action) or a step of
    `then` is not empty (the first that is not is)."""
    gaps = warnings(findings)
    step = gaps[0].message if gaps else next((t for t in then if t), "")
    return Progress(Status.in_progress, detail, step) if step else Progress(Status.done, detail)


def _open_warnings(writer: "ReportWriter", findings: list) -> None:
    gaps = warnings(findings)
    if gaps:
        writer.heading("Still open", 2)
        writer.bullets([f.message for f in gaps])


class _AudiencePart:
    """What the five worksheets share: their step in the journey, and a report section
    that appears in the reports of `REPORT_SESSIONS` only, and only when the part holds
    something (`reported` returns None when it does not), under its heading and the note
    that the analysis belongs to the campaign; `write` adds the rest."""

    p_step = PStep.analysis
    roadshow_step = RoadshowStep.ppcd
    title: str
    report_heading: str | None = None  # the section's heading in the report, when it is not the title

    def reported(self, store: "Store", campaign_id: str) -> Any:
        raise NotImplementedError

    def write(self, store: "Store", campaign: Campaign, content: Any, writer: "ReportWriter") -> None:
        raise NotImplementedError

    def report_section(self, store: "Store", campaign: Campaign, session: Session, writer: "ReportWriter") -> bool:
        if session.kind not in REPORT_SESSIONS:
            return False
        content = self.reported(store, campaign.id)
        if content is None:
            return False
        writer.heading(self.report_heading or self.title, 1)
        writer.note(CAMPAIGN_LEVEL_NOTE)
        self.write(store, campaign, content, writer)
        return True


# ---- the worksheets ------------------------------------------------------------------------------------
class SectorLensWorksheet(_AudiencePart):
    """Done when all five considerations have a note; in progress with some."""

    key = "sector_lens"
    title = "Sector lens"
    page = "worksheets/sector_lens.py"
    icon = ":material/work:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        lens = load_part(store, campaign.id, "sector_lens")
        noted = len(lens.notes())
        if not noted and not lens.sector:
            return Progress(Status.not_started, "No note yet.",
                            "Look at the sector through the five considerations before choosing the audience.")
        detail = f"{noted} of {len(SECTOR_CONSIDERATIONS)} considerations noted."
        if noted < len(SECTOR_CONSIDERATIONS):
            missing = next(label for key, label in SECTOR_CONSIDERATIONS.items() if not getattr(lens, key))
            return Progress(Status.in_progress, detail, f"Sector lens: note the {missing.lower()}.")
        return Progress(Status.done, detail)

    def reported(self, store: "Store", campaign_id: str) -> SectorLens | None:
        lens = load_part(store, campaign_id, "sector_lens")
        return lens if lens.notes() or lens.sector else None

    def write(self, store: "Store", campaign: Campaign, lens: SectorLens, writer: "ReportWriter") -> None:
        if lens.sector:
            writer.paragraph(f"Sector or trend: {lens.sector}", bold=True)
        writer.table(["Consideration", "Notes"],
                     [[label, getattr(lens, key) or "–"] for key, label in SECTOR_CONSIDERATIONS.items()],
                     row_labels=True, widths_cm=[4.2, 12.4])
        writer.note("These notes also go into the creative brief, under its creative considerations.")


class FrameworkWorksheet(_AudiencePart):
    """Done when both sides hold audiences, every individual-level audience has community-
    level support on its side, and at least one activity is on the board."""

    key = "audience_framework"
    title = "Audience framework"
    page = "worksheets/audience_framework.py"
    icon = ":material/grid_view:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        fw = load_part(store, campaign.id, "audience_framework")
        if not fw.entries:
            return Progress(Status.not_started, "Nothing on the board yet.",
                            "Fill the audience framework with the room: who is at risk where people come from, "
                            "and who creates the demand where they end up.")
        audiences = [e for e in fw.entries if e.kind is EntryKind.audience]
        activities = len(fw.entries) - len(audiences)
        origin = sum(e.side is Side.origin for e in audiences)
        detail = (f"{plural(len(audiences), 'audience')} ({origin} origin, {len(audiences) - origin} destination) "
                  f"and {plural(activities, 'activity', 'activities')}.")
        return _verdict(detail, framework_findings(fw),
                        "" if activities else "Add activity ideas to the framework: what would reach each audience?")

    def reported(self, store: "Store", campaign_id: str) -> AudienceFramework | None:
        fw = load_part(store, campaign_id, "audience_framework")
        return fw if fw.entries else None

    def write(self, store: "Store", campaign: Campaign, fw: AudienceFramework, writer: "ReportWriter") -> None:
        from c4d.audience.pictures import framework_svg, svg_png

        png = svg_png(framework_svg(fw))
        if png:
            writer.image(png, width_cm=16.5, alt=f"The audience framework: {len(fw.entries)} notes placed between "
                                                 "origin and destination, community and individual.",
                         caption="Yellow notes are audiences, blue notes with an arrow are "
                                                     "activities; dashed notes were sent from phones.")
        rows = []
        for side in Side:
            for level in Level:
                for e in fw.cell(side, level):
                    rows.append([e.cell_label, e.kind.value.capitalize(), e.who, e.why or "–", e.evidence or "–",
                                 "Phone" if e.source == "phone" else "Facilitator"])
        writer.table(["Cell", "Kind", "Who / activity", "Why it matters", "Evidence", "From"], rows,
                     widths_cm=[3.0, 1.8, 3.6, 4.2, 2.6, 1.8])
        _open_warnings(writer, framework_findings(fw))


class AudiencesWorksheet(_AudiencePart):
    """Done when the primary audience is set and narrow enough, secondary and tertiary
    audiences are named, and the profile covers who they are, what they know, feel and
    do, where they get information, who influences them, barriers and motivators."""

    key = "audiences"
    title = "Audiences and profile"
    report_heading = "Audiences"
    page = "worksheets/audiences.py"
    icon = ":material/diversity_3:"
    PROFILE_CORE = ("who", "kfd", "information", "influence", "barriers", "motivators")

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        analysis = load_analysis(store, campaign.id)
        done = profile_parts_done(analysis.profile)
        filled = sum(done.values())
        if not analysis.audiences and not filled:
            pending = decisions_to_adopt(store, campaign.id)
            hint = (f"Use the PPCD decision '{pending[0].choice}' as the primary audience."
                    if pending and pending[0].topic is DecisionTopic.primary_audience else
                    "Name the primary, secondary and tertiary audiences.")
            return Progress(Status.not_started, "No audience yet.", hint)
        primary = analysis.primary
        detail = (f"Primary: {primary.name}. " if primary else "No primary audience. ") + (
            f"{plural(len(analysis.by_role(AudienceRole.secondary)), 'secondary audience')}, "
            f"{plural(len(analysis.by_role(AudienceRole.tertiary)), 'tertiary audience')}; "
            f"profile {filled} of {len(PROFILE_PARTS)} parts.")
        missing = [PROFILE_PARTS[p] for p in self.PROFILE_CORE if not done[p]]
        return _verdict(detail, audience_findings(analysis.audiences, analysis.framework, analysis.profile,
                                                  decisions_in_force(store, campaign.id)),
                        f"Profile of the primary audience: {missing[0].lower()}." if missing else "")

    def reported(self, store: "Store", campaign_id: str) -> AudienceAnalysis | None:
        analysis = load_analysis(store, campaign_id)
        return analysis if analysis.audiences or any(profile_parts_done(analysis.profile).values()) else None

    def write(self, store: "Store", campaign: Campaign, analysis: AudienceAnalysis, writer: "ReportWriter") -> None:
        profile = analysis.profile
        entries = {e.id: e for e in analysis.framework.entries}
        decisions = {d.id: d for d in store.decisions(campaign.id)}
        if analysis.audiences:
            rows = []
            for role in AudienceRole:
                for a in analysis.by_role(role):
                    origin = []
                    if a.decision_id in decisions:
                        origin.append(f"PPCD decision ({decisions[a.decision_id].method or 'recorded'})")
                    origin += [entries[i].cell_label for i in a.framework_entry_ids if i in entries]
                    rows.append([role.label, a.name, a.approach.label, "; ".join(origin) or "–", a.description or "–"])
            writer.table(["Role", "Audience", "Approach", "Comes from", "Description"], rows,
                         widths_cm=[2.6, 3.6, 3.0, 3.4, 4.0])
        if any(profile_parts_done(profile).values()):
            self._profile(writer, analysis.primary, profile)
        _open_warnings(writer, audience_findings(analysis.audiences, analysis.framework, profile,
                                                 decisions_in_force(store, campaign.id)))

    @staticmethod
    def _profile(writer: "ReportWriter", primary: Audience | None, profile: AudienceProfile) -> None:
        from c4d.audience.pictures import influencer_png

        writer.heading("Profile of the primary audience" + (f": {primary.name}" if primary else ""), 2)
        who = [("Age band", profile.age_band), ("Sex", profile.sex), ("Location", profile.location),
               ("Occupation or situation", profile.occupation), ("Education", profile.education)]
        if any(v for _, v in who):
            writer.table(["Who they are", ""], [[k, v or "–"] for k, v in who], row_labels=True, widths_cm=[5.0, 11.6])
        kfd = [("Know", profile.knows), ("Feel", profile.feels), ("Do", profile.does)]
        if any(v for _, v in kfd):
            writer.heading("What they know, feel and do now", 3)
            writer.table(["", "Now"], [[k, v or "–"] for k, v in kfd], row_labels=True, widths_cm=[2.4, 14.2])
        if profile.information_sources or profile.platforms:
            writer.heading("Information and platforms", 3)
            writer.table(["Where they get information", "Platforms they use"],
                         [["\n".join(profile.information_sources) or "–", "\n".join(profile.platforms) or "–"]])
        if profile.influencers or profile.influenced_share is not None:
            writer.heading("Who influences their decisions", 3)
            if profile.influenced_share is not None:
                writer.paragraph(f"{profile.influenced_share:g}% say other people influence their decisions.")
            png = influencer_png(profile)
            if png:
                writer.image(png, width_cm=14.0, max_height_cm=9.0,
                             alt="Bar chart of who influences their decisions: " + "; ".join(
                    (f"{i.who} {i.share:g}%" if i.share is not None else i.who) for i in profile.influencers))
            if profile.influencers:
                writer.table(["Who", "Share who say so"],
                             [[i.who, f"{i.share:g}%" if i.share is not None else "–"] for i in profile.influencers])
        if profile.agency:
            writer.heading("Sense of agency", 3)
            writer.paragraph(profile.agency)
        if profile.barriers or profile.motivators:
            writer.heading("Barriers and motivators", 3)
            writer.table(["Barriers", "Motivators"],
                         [["\n".join(profile.barriers) or "–", "\n".join(profile.motivators) or "–"]])
        if profile.quotes:
            writer.heading("In their own words", 3)
            for quote in profile.quotes:
                writer.paragraph(f"“{quote}”", italic=True)
        if profile.evidence:
            writer.note(f"Sources: {profile.evidence}")


class SEMWorksheet(_AudiencePart):
    """Done when every level has at least one influence and an activity or partner
    addresses each level."""

    key = "sem"
    title = "Social Ecological Model"
    page = "worksheets/sem.py"
    icon = ":material/track_changes:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        sem = load_part(store, campaign.id, "sem")
        if not sem.influences:
            return Progress(Status.not_started, "No influence mapped yet.",
                            "Map what helps or harms the primary audience at each level of the Social Ecological Model.")
        addressed = sum(any(i.addressed_by for i in sem.at(level)) for level in SEMLevel)
        detail = (f"{plural(len(sem.influences), 'influence')}; {addressed} of {len(SEMLevel)} levels addressed by "
                  "an activity or partner.")
        return _verdict(detail, sem_findings(sem, load_part(store, campaign.id, "stakeholders").stakeholders))

    def reported(self, store: "Store", campaign_id: str) -> SEMMap | None:
        sem = load_part(store, campaign_id, "sem")
        return sem if sem.influences else None

    def write(self, store: "Store", campaign: Campaign, sem: SEMMap, writer: "ReportWriter") -> None:
        from c4d.audience.pictures import sem_svg, svg_png

        png = svg_png(sem_svg(sem))
        if png:
            writer.image(png, width_cm=16.5, max_height_cm=14.0,
                         alt=f"The Social Ecological Model with {len(sem.influences)} influences, from the "
                             "individual outwards to policy.",
                         caption="Green helps, red harms; ●●● is a strong influence; dashed: nothing addresses it yet.")
        rows = [[i.level.label, i.who_or_what, i.direction.value, ("weak", "moderate", "strong")[i.strength - 1],
                 i.evidence or "–", i.addressed_by or "–"]
                for level in SEMLevel for i in sem.at(level)]
        writer.table(["Level", "Who or what", "Direction", "Strength", "Evidence", "Addressed by"], rows,
                     widths_cm=[2.4, 4.0, 1.8, 1.9, 3.3, 3.2])
        _open_warnings(writer, sem_findings(sem, load_part(store, campaign.id, "stakeholders").stakeholders))


class StakeholdersWorksheet(_AudiencePart):
    """Done when someone provides the service behind the call to action, someone
    disseminates, and every stakeholder has a role."""

    key = "stakeholders"
    title = "Stakeholder map"
    page = "worksheets/stakeholders.py"
    icon = ":material/hub:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        stakeholders = load_part(store, campaign.id, "stakeholders").stakeholders
        if not stakeholders:
            return Progress(Status.not_started, "No stakeholder yet.",
                            "Map the stakeholders: their influence, their interest and their role in the campaign.")
        key_players = sum(quadrant(s) == "Manage closely" for s in stakeholders)
        detail = f"{plural(len(stakeholders), 'stakeholder')}, {key_players} to manage closely."
        findings = stakeholder_findings(stakeholders)
        return _verdict(detail, findings, *(f.message for f in findings if f.code.startswith("no_role_")))

    def reported(self, store: "Store", campaign_id: str) -> list[Stakeholder] | None:
        return load_part(store, campaign_id, "stakeholders").stakeholders or None

    def write(self, store: "Store", campaign: Campaign, stakeholders: list[Stakeholder], writer: "ReportWriter") -> None:
        from c4d.audience.pictures import stakeholder_png

        png = stakeholder_png(stakeholders)
        if png:
            writer.image(png, width_cm=15.5, max_height_cm=12.0,
                         alt=f"Influence and interest grid of {len(stakeholders)} stakeholders.")
        writer.table(["Organisation", "Type", "SEM level", "Influence", "Interest", "Where on the grid", "Role in the campaign"],
                     [[s.organisation, s.org_type.label, s.sem_level.label, s.influence, s.interest, quadrant(s),
                       "\n".join(r.label for r in s.roles) or "–"] for s in stakeholders],
                     widths_cm=[3.6, 2.4, 2.0, 1.6, 1.6, 2.2, 3.2])
        notes = [(s.organisation, s.notes) for s in stakeholders if s.notes]
        if notes:
            writer.heading("Notes", 2)
            writer.bullets([f"{name}: {text}" for name, text in notes])
        writer.note("Influence and interest are rated 1–5 by the room; 3 and above counts as high. Contact persons "
                    "are kept in the toolkit and not printed in this report.")
        _open_warnings(writer, stakeholder_findings(stakeholders))


# Registered in the order the PPCD usually takes them.
SECTOR_LENS = register(SectorLensWorksheet())
FRAMEWORK = register(FrameworkWorksheet())
AUDIENCES = register(AudiencesWorksheet())
SEM = register(SEMWorksheet())
STAKEHOLDERS = register(StakeholdersWorksheet())
