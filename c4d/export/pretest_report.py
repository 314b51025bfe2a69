"""The pre-test report (DOCX) and the scores as CSV / XLSX.

The report is what the creative partner and the campaign team read after the focus
groups: cover, the verdicts at a glance, how the materials were tested, the groups, each
material's results (chart, table, split by group and sex, comments per criterion, the
main message in the participants' own words), versions and alternatives side by side,
and the decision log. Names never appear: respondents are described by sex, age band
and group only.

The scores export has one row per answer (respondent × material), with the facilitator's
coding and the comments, every text cell neutralised against spreadsheet formulas.
"""

from __future__ import annotations

from datetime import date

from c4d.pretest import model as pretest
from c4d.pretest import record
from c4d.pretest.scoring import result_of
from c4d.report_writer import ReportWriter
from c4d.export.results import Table, to_csv, to_xlsx
from c4d.models import Campaign, slugify
from c4d.pretest.results import (
    DECISION_HEADERS,
    DECISION_WIDTHS,
    SUMMARY_HEADERS,
    SUMMARY_WIDTHS,
    decision_rows,
    session_names,
    summary_rows,
    write_comparison,
    write_group,
    write_material,
    write_method,
)
from c4d.db.store import Store
from c4d.text import long_date, plural


def report_filename(campaign: Campaign, what: str = "pretest-report", extension: str = "docx") -> str:
    slug = campaign.slug or slugify(campaign.name)
    return f"{slugify(slug)}_{what}.{extension}"


def build_pretest_report(store: Store, campaign_ref: str, *, prepared_on: date | None = None) -> bytes:
    """The campaign's pre-test report as DOCX bytes (raises NotFound / PretestError with a
    message to show)."""
    campaign = store.campaign(campaign_ref)
    doc = record.load(store, campaign.id)
    sessions = {s.id: s for s in store.sessions(campaign.id)}
    names = session_names(store, campaign.id, doc)
    groups = [g for g in doc.groups if g.session_id in sessions]
    groups.sort(key=lambda g: (sessions[g.session_id].start_date, sessions[g.session_id].title))
    tested = doc.tested()
    writer = ReportWriter(
        title=f"{campaign.name} — pre-test report",
        subject="Pre-test of draft materials: comprehension, appeal, acceptability, relevance, persuasion",
        author="; ".join(campaign.organisers),
        header_text=f"{campaign.name} · pre-test report",
        audience_language=campaign.participant_language,
    )
    prepared_on = prepared_on or date.today()

    # cover
    writer.overline("Pre-test report", space_before_cm=3.0)
    writer.title(campaign.name)
    writer.subtitle("Draft materials tested with the audience before production")
    where = [f"{sessions[g.session_id].title} ({sessions[g.session_id].dates_label()})" for g in groups]
    writer.key_values([
        ("Country", campaign.country),
        ("Organisers", "\n".join(campaign.organisers)),
        ("Pre-test sessions", "\n".join(where) or "none recorded"),
        ("Materials tested", str(len(tested))),
        ("Threshold", f"{doc.threshold}% favourable answers (4 or 5) on every criterion"),
    ])
    if doc.illustrative:
        writer.note(doc.illustrative)
    writer.note(f"Prepared with the C4D workshop toolkit on {long_date(prepared_on)}.")
    writer.page_break()

    # at a glance
    writer.heading("Verdicts at a glance", 1)
    if not tested:
        writer.paragraph("No material has been scored yet.")
    else:
        ready = [m for m in tested if result_of(doc, m).verdict is pretest.Verdict.ready]
        writer.paragraph(f"{plural(len(tested), 'material version')} scored; {len(ready)} "
                         f"ready as they are, {len(tested) - len(ready)} to revise (at the {doc.threshold}% "
                         f"threshold).")
        writer.table(SUMMARY_HEADERS, summary_rows(doc, tested), widths_cm=SUMMARY_WIDTHS)
    if doc.decisions:
        writer.heading("Decision log", 2)
        writer.table(DECISION_HEADERS, decision_rows(doc, names), widths_cm=DECISION_WIDTHS)

    # method and groups
    writer.heading("How the materials were tested", 1)
    write_method(writer, doc)
    if groups:
        writer.heading("The pre-test groups", 1)
        for group in groups:
            session = sessions[group.session_id]
            writer.heading(f"{session.title} — {session.dates_label()}", 2)
            facts = [("Place", session.place), ("Facilitators", ", ".join(session.facilitators))]
            writer.key_values(facts)
            write_group(writer, doc, group, session, level=3)

    # results, material by material
    if tested:
        writer.heading("Results by material", 1)
        for material in tested:
            write_material(writer, doc, material, names, level=2)

    # comparisons
    compared = False
    families = [f for f in doc.families() if sum(1 for m in f if result_of(doc, m).answers) > 1]
    alternatives = doc.alternatives()
    if families or alternatives:
        mark = writer.mark()
        writer.heading("Versions and alternatives side by side", 1)
        for family in families:
            compared |= write_comparison(writer, doc, f"{family[0].title}: versions", [m.id for m in family])
        for purpose, materials in alternatives.items():
            compared |= write_comparison(writer, doc, f"Alternatives for: {purpose}", [m.id for m in materials])
        if not compared:
            writer.rollback(mark)
    return writer.to_bytes()


# ---- scores as a table --------------------------------------------------------------------------------

def scores_table(store: Store, campaign: Campaign) -> Table:
    doc = record.load(store, campaign.id)
    sessions = {s.id: s for s in store.sessions(campaign.id)}
    people = {r.id: r for r in doc.respondents}
    criteria = doc.criteria()
    headers = (["Session", "Date", "Place", "Respondent", "From", "Sex", "Age band", "Role", "Material", "Version",
                "Type", "Main message in their words", "Coded"] + [c.label for c in criteria]
               + [f"Why ({c.label.lower()})" for c in criteria] + ["General comment"])
    rows = []
    order = {m.id: i for i, m in enumerate(doc.materials)}
    responses = sorted(doc.responses, key=lambda r: (
        sessions[r.session_id].start_date if r.session_id in sessions else date.max, r.session_id,
        order.get(r.material_id, 0), people[r.respondent_id].label if r.respondent_id in people else ""))
    for r in responses:
        session = sessions.get(r.session_id)
        person = people.get(r.respondent_id)
        material = doc.find_material(r.material_id)
        rows.append([
            session.title if session else "", session.start_date.isoformat() if session else "",
            session.place if session else "", person.label if person else "", r.source,
            person.sex.label if person and person.sex else "", (person.age_band or "") if person else "",
            person.role.label if person and person.role else "", material.title if material else "",
            material.version if material else "", material.type.label if material else "", r.own_words,
            r.coding.label if r.coding else "",
        ] + [r.scores.get(c) for c in criteria] + [r.comments.get(c.value, "") for c in criteria]
            + [r.comments.get(pretest.GENERAL, "")])
    return Table("Pre-test scores", headers, rows)


def results_table(store: Store, campaign: Campaign) -> Table:
    doc = record.load(store, campaign.id)
    headers = ["Material", "Version", "Criterion", "n", "Favourable (4–5)", "Share favourable", "Mean", "Verdict"]
    rows = []
    for material in doc.tested():
        result = result_of(doc, material)
        for c in result.criteria:
            rows.append([material.title, material.version, c.criterion.label, c.n, c.favourable,
                         None if c.share is None else round(c.share, 4),
                         None if c.mean is None else round(c.mean, 2), c.verdict.label])
        u = result.understanding
        if u.n:
            rows.append([material.title, material.version, "Main message (coded correct)", u.n, u.correct,
                         round(u.share or 0, 4), None, u.verdict.label])
    return Table("Pre-test results", headers, rows)


def scores_csv(store: Store, campaign: Campaign) -> bytes:
    return to_csv(scores_table(store, campaign))


def scores_xlsx(store: Store, campaign: Campaign) -> bytes:
    return to_xlsx([results_table(store, campaign), scores_table(store, campaign)])
