"""The workshop report: the Word file a facilitator downloads after a session.

Cover, overview, agenda, participants (counts by sex and organisation type, attendance,
and the names of those who agreed to be listed), then one section from each registered
worksheet in journey order. Names appear only with the person's consent; contact
details never appear.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from c4d.report_writer import ReportWriter
from c4d.models import Campaign, OrgType, Participant, Session, Sex, slugify
from c4d.people.register import count_register
from c4d.db.store import Store
from c4d.worksheet import registered
from c4d.workspace.branding import organisation_logo
from c4d.text import long_date, plural, weekday_date

log = logging.getLogger(__name__)


def report_filename(campaign: Campaign, session: Session) -> str:
    """E.g. 'dream-umbrella_ppcd-2020_workshop-report.docx' (safe on every system)."""

    def part(slug: str, fallback: str) -> str:
        return re.sub(r"[^a-z0-9-]+", "-", (slug or slugify(fallback)).lower()).strip("-") or "report"

    return f"{part(campaign.slug, campaign.name)}_{part(session.slug, session.title)}_workshop-report.docx"


def build_workshop_report(store: Store, campaign_ref: str, session_ref: str, *,
                          prepared_on: date | None = None) -> bytes:
    """The report of one session as DOCX bytes. `campaign_ref` and `session_ref` are a
    slug or an id; an unknown one raises c4d.db.errors.NotFound with a message to show."""
    campaign = store.campaign(campaign_ref)
    session = store.session(campaign.id, session_ref)
    participants = store.participants(session.id)
    writer = ReportWriter(
        title=f"{campaign.name} — {session.title}",
        subject=f"Workshop report: {session.kind.label}, {session.dates_label()}",
        author="; ".join(campaign.organisers),
        header_text=f"{campaign.name} · {session.title}",
        audience_language=campaign.participant_language,
    )
    _cover(writer, store, campaign, session, prepared_on or date.today())
    _overview(writer, campaign, session)
    _agenda(writer, session)
    _participants(writer, session, participants)
    _worksheet_sections(writer, store, campaign, session)
    return writer.to_bytes()


# ---- sections ---------------------------------------------------------------------------
def _cover(writer: ReportWriter, store: Store, campaign: Campaign, session: Session, prepared_on: date) -> None:
    logo = organisation_logo(store)
    if logo is not None:
        try:
            writer.image(logo, width_cm=5.0, max_height_cm=3.0, align="left", alt="Logo of the organisers")
        except ValueError:
            log.warning("The organisation logo could not be read; the report is made without it.")
    writer.overline("Workshop report", space_before_cm=0.5 if logo is not None else 3.0)
    writer.title(campaign.name)
    writer.subtitle(session.title)
    writer.key_values([
        ("Session", session.kind.label),
        ("Dates", session.dates_label()),
        ("Place", session.place),
        ("Country", campaign.country),
        ("Organisers", "\n".join(campaign.organisers)),
        ("Facilitators", "\n".join(session.facilitators)),
    ])
    writer.note(f"Prepared with the C4D workshop toolkit on {long_date(prepared_on)}.")
    writer.page_break()


def _overview(writer: ReportWriter, campaign: Campaign, session: Session) -> None:
    if not (campaign.summary or session.notes):
        return
    writer.heading("Overview", 1)
    if campaign.summary:
        writer.heading("The campaign", 2)
        writer.paragraph(campaign.summary)
    if session.notes:
        writer.heading("About this session", 2)
        writer.paragraph(session.notes)


def _agenda(writer: ReportWriter, session: Session) -> None:
    writer.heading("Agenda", 1)
    if not session.agenda:
        writer.paragraph("No agenda was recorded for this session.")
        return
    with_notes = any(item.notes for item in session.agenda)
    headers = ["Time", "Item", "Notes"] if with_notes else ["Time", "Item"]
    widths = [2.2, 8.0, 6.4] if with_notes else [2.2, 14.4]
    for number, day in enumerate(session.day_dates(), start=1):
        items = [item for item in session.agenda if item.day == number]
        if not items:
            continue
        writer.heading(f"Day {number} · {weekday_date(day)}" if session.days > 1 else weekday_date(day), 2)
        rows = [[item.time or "–", item.title] + ([item.notes] if with_notes else []) for item in items]
        writer.table(headers, rows, widths_cm=widths)


def _participants(writer: ReportWriter, session: Session, participants: list[Participant]) -> None:
    writer.heading("Participants", 1)
    if not participants:
        writer.paragraph("No participants were registered for this session.")
        return
    counts = count_register(participants, session.days)
    # The headline figure stays on the page of the table that details it.
    writer.paragraph(counts.sex_summary() + ".").paragraph_format.keep_with_next = True

    writer.heading("By type of organisation and sex", 2)
    sexes = list(Sex)
    rows = [
        [org.label] + [str(counts.cross[org][s]) for s in sexes] + [str(counts.by_org_type[org])]
        for org in OrgType
    ]
    rows.append(["Total"] + [str(counts.by_sex[s]) for s in sexes] + [str(counts.total)])
    writer.table(["Type of organisation"] + [s.label for s in sexes] + ["Total"], rows,
                 row_labels=True, totals=True, widths_cm=[5.6, 2.0, 2.0, 2.0, 3.0, 2.0])

    writer.heading("Attendance by day", 2)
    if not any(p.attendance for p in participants):
        writer.note("Attendance was not recorded day by day.")
    else:
        dates = session.day_dates()
        rows = []
        for day, by_sex in sorted(counts.attendance.items()):
            when = f"{dates[day - 1]:%a} {dates[day - 1].day} {dates[day - 1]:%b %Y}" if day <= len(dates) else "–"
            rows.append([f"Day {day}", when] + [str(by_sex[s]) for s in sexes] + [str(counts.present_on(day))])
        writer.note("People marked present on each day; a person may attend some days only.")
        writer.table(["Day", "Date"] + [s.label for s in sexes] + ["Total"], rows,
                     widths_cm=[1.6, 3.4, 2.0, 2.0, 2.2, 3.2, 2.2])

    writer.heading("Participant list", 2)
    listed = sorted((p for p in participants if p.consent_to_list and p.name),
                    key=lambda p: (p.name.casefold(), p.organisation.casefold()))
    if listed:
        writer.table(["Name", "Organisation", "Type of organisation"],
                     [[p.name, p.organisation, p.org_type.label] for p in listed],
                     widths_cm=[5.0, 7.0, 4.6])
    no_consent = sum(1 for p in participants if not p.consent_to_list)
    no_name = sum(1 for p in participants if p.consent_to_list and not p.name)
    more = "more " if listed else ""
    if no_consent:
        writer.paragraph(f"{plural(no_consent, more + 'participant')} "
                         f"did not consent to be listed.")
    if no_name:
        writer.paragraph(f"{plural(no_name, more + 'participant')} "
                         f"gave no name.")
    writer.note("Names appear only with the person's consent. Contact details are never printed in this report.")


def _worksheet_sections(writer: ReportWriter, store: Store, campaign: Campaign, session: Session) -> None:
    for worksheet in registered():
        mark = writer.mark()
        try:
            worksheet.report_section(store, campaign, session, writer)
        except Exception:
            # One broken section must not cost the facilitator the whole report.
            log.exception("The %s section could not be written", worksheet.key)
            writer.rollback(mark)
            writer.heading(worksheet.title, 1)
            writer.note("This section could not be written because of an error; "
                        "the rest of the report is complete.")
