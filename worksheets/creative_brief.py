"""Creative brief: composed from the campaign plus the brief's own fields, checked for what
is missing or weak, exported as numbered versions (Word, full or one page), compared
version to version, and shared read-only with the creative partner."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from c4d import lan, ui

from c4d.brief import commands as brief_commands
from c4d.brief import links as brief_links
from c4d.brief import model as brief
from c4d.brief.checks import check, completeness_line
from c4d.brief.compose import compose, load_fields
from c4d.brief.outline import Bullets, GapMark, Note, Pairs, Para, Sub, TableBlock, outline, summary_outline
from c4d.brief.share import DOCX_TYPE
from c4d.brief.versions import diff, fingerprint, next_number, versions
from c4d.export import brief_docx
from c4d.db.errors import NotFound
from c4d.worksheet import registered
from c4d.workspace import branding
from c4d.text import DATE_COLUMN, date_time, plural, short_date

campaign = ui.require_campaign()
db = ui.store()
projector = ui.projector_on()
try:
    fields = load_fields(db, campaign.id)
    made = versions(db, campaign.id)
except ValueError as exc:
    st.error(ui.plain(str(exc)))
    st.stop()
P = f"brief-{campaign.id}-"  # widget keys, per campaign
LABELS = {
    "problem": "The problem, in one or two sentences",
    "key_promise": "Key promise (one benefit)",
    "support_statements": "Support statements / reasons to believe (one per line)",
    "call_to_action": "Call to action",
    "cta_service": "The service behind the call to action",
    "cta_contact": "Its contact (number, page or address)",
    "key_messages": "Key messages (one per line)",
    "slogan": "Slogan",
    "tone": "Tone and personality",
    "languages": "Languages and dubbing",
    "creative_considerations": "Creative considerations",
    "mandatory_elements": "Mandatory elements",
    "timeline": "Timeline",
    "budget": "Budget",
    "approvals": "Approvals",
    "pretest_plan": "Pre-test plan",
}
LINES = {"support_statements", "key_messages"}
SHORT = {"cta_service", "cta_contact", "slogan"}


def as_text(name: str, value) -> str:
    return "\n".join(value) if name in LINES else value


def typed_value(name: str, text: str):
    return [line.strip() for line in text.splitlines() if line.strip()] if name in LINES else text


def sync_fields(fields: brief.BriefFields) -> tuple[brief.BriefFields, list[str]]:
    """Save what the facilitator typed in each box since the last run, before the page is drawn.

    Every run compares each box with the value it last had when it matched the saved brief
    ('base'): a box that changed is saved (a refused value stays in the box with its reason,
    and is tried again on the next run); a box nobody touched follows the saved brief, so a
    change made on another laptop shows up. This does not depend on one widget callback per
    change, which Streamlit can skip when several changes arrive during one run."""
    saved_now = []
    for name in LABELS:
        key, base = P + name, P + "base-" + name
        stored = getattr(fields, name)
        if key not in st.session_state:
            st.session_state[key] = st.session_state[base] = as_text(name, stored)
            continue
        typed = st.session_state[key]
        if typed != st.session_state.get(base):
            try:
                candidate = fields.model_dump() | {name: typed_value(name, typed)}
                wanted = getattr(brief.BriefFields.model_validate(candidate), name)
                if wanted != stored:
                    fields = brief_commands.update_fields(db, campaign.id, **{name: wanted})
                    saved_now.append(LABELS[name])
            except (ValidationError, ValueError) as exc:
                st.session_state[P + "problem-" + name] = f"{LABELS[name]} not saved: " + "; ".join(ui.explain(exc))
                continue
            st.session_state[base] = typed
            st.session_state.pop(P + "problem-" + name, None)
        elif as_text(name, stored) != typed and typed_value(name, typed) != stored:
            st.session_state[key] = st.session_state[base] = as_text(name, stored)  # changed elsewhere
    return fields, saved_now


fields, saved_now = sync_fields(fields)

composed = compose(db, campaign)
gaps = check(composed)


# ---- the two tables: each change is saved once, by its table's callback, before the page runs -----
DELIVERABLE = {"Deliverable": "item", "Format": "format", "Quantity": "quantity", "Due": "due"}


def cell(value) -> str:
    """A table cell as text ('' for an empty one)."""
    return "" if value is None else str(value).strip()


def saved(label: str) -> None:
    st.session_state.setdefault(P + "saved", []).append(label)


def save_deliverables(edit: ui.TableEdit) -> None:
    """A row typed in any column is kept; one without a name is listed among the gaps."""
    wanted = [brief.Deliverable(**{name: cell(row[column]) for column, name in DELIVERABLE.items()})
              for row in edit.rows() if any(row.values())]
    if wanted != load_fields(db, campaign.id).deliverables:
        brief_commands.update_fields(db, campaign.id, deliverables=wanted)
        saved("deliverables")


def save_revision_notes(edit: ui.TableEdit) -> None:
    rows = [(as_date(row["When"]), cell(row["What prompted it"]), cell(row["What changed"])) for row in edit.rows()]
    if brief_commands.set_revision_notes(db, campaign.id, rows) is not None:
        saved("revision notes")


def as_date(value) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


# ---- showing the outline (preview) ---------------------------------------------------------------
def show_blocks(blocks) -> None:
    for block in blocks:
        if isinstance(block, GapMark):
            show = st.error if block.level == "missing" else st.warning
            show(f"**{block.label}** — {ui.plain(block.text)}")
        elif isinstance(block, Para):
            st.markdown(("*" + ui.plain(block.text) + "*") if block.italic else ui.plain(block.text))
        elif isinstance(block, Bullets):
            st.markdown("\n".join("- " + ui.plain(item).replace("  \n", " ") for item in block.items))
        elif isinstance(block, TableBlock):  # a static table: long cells wrap, as in the document
            headers = [ui.plain(h) or " " for h in block.headers]
            st.table(pd.DataFrame([[ui.plain(c) for c in r] for r in block.rows], columns=headers), hide_index=True)
        elif isinstance(block, Pairs):
            st.markdown("  \n".join(f"**{ui.plain(k)}:** {ui.plain(v)}" for k, v in block.pairs))
        elif isinstance(block, Sub):
            st.markdown(f"**{ui.plain(block.text)}**")
        elif isinstance(block, Note):
            st.caption(ui.plain(block.text))


def show_outline(sections) -> None:
    for section in sections:
        st.subheader(section.title, anchor=False)
        show_blocks(section.blocks)


st.title("Creative brief")
if projector:
    st.markdown(f"**{ui.plain(campaign.name)}**")
    show_outline(outline(composed, gaps))
    st.stop()

st.caption("The production order for the creative partner. Background, audiences, objectives, barriers, channels "
           "and the sector lens come from the campaign's other pages; the rest is written here and saved as you "
           "type. Every export is a numbered version; the partner can open the latest one through a share link.")
ui.show_flash()

# ---- completeness --------------------------------------------------------------------------------
PAGE_OF = {"campaign": "worksheets/settings.py", "smart": "worksheets/smart_objectives.py",
           "channels": "worksheets/channels.py"}
for w in registered():
    if w.key == "audiences":
        PAGE_OF["audience"] = w.page
    elif w.key == "sector_lens":
        PAGE_OF["sector"] = w.page

with st.container(border=True):
    if gaps:
        missing = sum(g.level == "missing" for g in gaps)
        st.markdown(f"**Before export:** {missing} missing, {len(gaps) - missing} to strengthen. "
                    "You can export now; the document marks each gap where it is.")
        with st.expander("What is missing or weak", expanded=missing > 0 and len(gaps) <= 8):
            for g in gaps:
                line = f"**{g.label}** · {ui.plain(brief.SECTION_TITLES[g.section])} — {ui.plain(g.message)}"
                st.markdown(line)
                page = PAGE_OF.get(g.fix_on)
                if page:
                    st.page_link(page, label="Fix it there", icon=":material/arrow_forward:")
    else:
        st.success("Complete: nothing missing or weak.")

write_tab, preview_tab, versions_tab, share_tab = st.tabs(
    ["Write the brief", "Preview", "Versions and export", "Share with the creative partner"])

# ---- write ---------------------------------------------------------------------------------------
def field(name: str, height: int = 90) -> None:
    """One of the brief's boxes; what is typed is saved by `sync_fields` on the page's next run."""
    if name in SHORT:
        st.text_input(LABELS[name], key=P + name, max_chars=200, help=brief.GUIDANCE.get(name))
    else:
        st.text_area(LABELS[name], key=P + name, height=height, max_chars=5000, help=brief.GUIDANCE.get(name))
    if name in brief.GUIDANCE and name not in SHORT:
        st.caption(ui.plain(brief.GUIDANCE[name]))
    problem = st.session_state.get(P + "problem-" + name)
    if problem:
        st.error(ui.plain(problem))


with write_tab:
    for label in saved_now + st.session_state.pop(P + "saved", []):
        st.toast(f"Saved: {label}", icon=":material/check:")
    st.subheader("From the campaign", anchor=False)
    st.markdown("**Background** (from the campaign's details): "
                + (ui.plain(composed.background) if composed.background else "*not written yet*"))
    st.page_link("worksheets/settings.py", label="Edit the background in Settings and backup",
                 icon=":material/edit:")
    who = "; ".join(f"{a.name} ({a.role.split()[0].lower()})" for a in composed.audiences) or "none yet"
    st.markdown(f"**Audiences:** {ui.plain(who)}  \n"
                f"**SMART objectives:** {len(composed.objectives)} · **Channels:** {len(composed.channels)} · "
                f"**Barriers:** {len(composed.barriers)}")
    field("problem")
    st.subheader("What the content promises and asks", anchor=False)
    field("key_promise", 70)
    field("support_statements", 110)
    field("call_to_action", 70)
    c1, c2 = st.columns(2)
    with c1:
        field("cta_service")
    with c2:
        field("cta_contact")
    if composed.services:
        st.caption("Services named in the stakeholder map: " + ui.plain("; ".join(composed.services)))
    field("key_messages", 130)
    field("slogan")
    st.subheader("How it looks, sounds and feels", anchor=False)
    field("tone")
    field("languages")
    field("creative_considerations", 110)
    field("mandatory_elements")

    st.subheader("Deliverables and formats", anchor=False)
    ui.editable_table(P + "deliverables", [{column: getattr(d, name) for column, name in DELIVERABLE.items()}
                                           for d in fields.deliverables],
                      list(DELIVERABLE), save=save_deliverables, what="Deliverables", num_rows="dynamic",
                      dtypes=dict.fromkeys(DELIVERABLE, "string"),
                      column_config={column: st.column_config.TextColumn(max_chars=200) for column in DELIVERABLE})
    unnamed = [str(n) for n, d in enumerate(fields.deliverables, start=1) if not d.item]
    if unnamed:
        st.warning(f"Deliverable {', '.join(unnamed)} has no name yet: type what the partner should produce. "
                   f"What you typed in the other columns is saved.")

    st.subheader("Timeline, budget, approvals and pre-test", anchor=False)
    field("timeline", 70)
    field("budget", 70)
    field("approvals", 70)
    field("pretest_plan", 100)

    st.subheader("Revision notes", anchor=False)
    st.caption("Changes made to the brief and why, e.g. after the pre-test. They appear in the brief's "
               "'Pre-test history and revisions' section, with what the pre-test worksheet records.")
    ui.editable_table(
        P + "revisions", [{"When": r.when, "What prompted it": r.what, "What changed": r.change}
                          for r in fields.revisions],
        ["When", "What prompted it", "What changed"], save=save_revision_notes, what="Revision notes",
        num_rows="dynamic", dtypes={"What prompted it": "string", "What changed": "string"},
        column_config={"When": st.column_config.DateColumn(format=DATE_COLUMN),
                       "What prompted it": st.column_config.TextColumn(max_chars=200),
                       "What changed": st.column_config.TextColumn(width="large", max_chars=5000)})

# ---- preview -------------------------------------------------------------------------------------
with preview_tab:
    variant = st.radio("Show", ["Full brief", "One-page summary"], horizontal=True, key=P + "variant")
    st.caption("The current draft, as the document will read (not yet a version).")
    if variant == "Full brief":
        show_outline(outline(composed, gaps))
    else:
        show_outline(summary_outline(composed, gaps))

# ---- versions and export ---------------------------------------------------------------------------
with versions_tab:
    st.write("Exporting saves the brief as the next numbered version with today's date (when nothing changed "
             "since the latest version, that version is downloaded again). Share links always show the latest "
             "version.")
    note = st.text_input("What this version is for (optional)", key=P + "note", max_chars=200,
                         placeholder="e.g. After Media Camp 1, for the agency's first drafts")

    def export(summary: bool, note: str) -> bytes:
        """Runs when the button is pressed: the export saves the version, then the file is sent."""
        _version, _created, data, _name = brief_docx.export_brief(db, campaign.id, summary=summary, note=note)
        return data

    upcoming = next_number(made, composed)
    c1, c2 = st.columns(2)
    c1.download_button("Export and download the brief (.docx)", data=lambda: export(False, note),
                       file_name=brief.brief_filename(campaign.name, campaign.slug, upcoming),
                       mime=DOCX_TYPE, type="primary", icon=":material/download:")
    c2.download_button("Export and download the one-page summary (.docx)", data=lambda: export(True, note),
                       file_name=brief.brief_filename(campaign.name, campaign.slug, upcoming, summary=True),
                       mime=DOCX_TYPE, icon=":material/download:")
    if made and made[-1].fingerprint == fingerprint(composed):
        st.caption(f"Nothing changed since version {made[-1].number}: the export downloads it again.")

    st.subheader("Versions", anchor=False)
    if not made:
        st.write("No version yet: the first export makes version 1.")
    else:
        ui.dataframe(pd.DataFrame([{
            "Version": v.number, "Date": v.label.split(" · ", 1)[1], "For": v.note,
            "Completeness": completeness_line(check(v.brief)),
        } for v in reversed(made)]), hide_index=True, width="stretch")
        older = {v.number: v for v in made}
        pick = st.selectbox("Download an earlier version", list(reversed(older)), key=P + "old",
                            format_func=lambda n: older[n].label)
        st.download_button(f"Download version {pick} (.docx)",
                           data=lambda: brief_docx.build_brief_docx(older[pick],
                                                                    logo=branding.organisation_logo(db)),
                           file_name=brief.brief_filename(campaign.name, campaign.slug, pick),
                           mime=DOCX_TYPE, icon=":material/history:")

        st.subheader("What changed", anchor=False)
        CURRENT = 0
        choices = [CURRENT] + [v.number for v in reversed(made)]
        label = {CURRENT: "the current draft (not exported)"} | {v.number: v.label for v in made}
        c1, c2 = st.columns(2)
        unchanged = made[-1].fingerprint == fingerprint(composed)
        start = choices.index(made[-1].number) if unchanged and len(made) > 1 else 0
        newer = c2.selectbox("To", choices, index=start, key=P + "diff-to", format_func=label.get)
        default_from = made[-1].number if newer == CURRENT else max(
            (v.number for v in made if v.number < newer), default=newer)
        olders = [n for n in choices if n != CURRENT and (newer == CURRENT or n < newer)] or [default_from]
        older_pick = c1.selectbox("From", olders, index=olders.index(default_from) if default_from in olders else 0,
                                  key=P + f"diff-from-{newer}", format_func=label.get)
        a = older[older_pick].brief
        b = composed if newer == CURRENT else older[newer].brief
        changes = diff(a, b)
        if not changes:
            st.write("No change between these two.")
        for change in changes:
            st.markdown(f"**{ui.plain(change.title)}**")
            lines = [f"− :red[{ui.plain(x)}]" for x in change.removed] + [f"+ :green[{ui.plain(x)}]"
                                                                         for x in change.added]
            st.markdown("  \n".join(lines))

# ---- share -------------------------------------------------------------------------------------------
with share_tab:
    st.write("A share link lets the creative partner read the latest version and download the Word file, "
             "without seeing anything else of the campaign or the toolkit. It works from any device that reaches "
             "this laptop (the same Wi-Fi). Withdraw it when the partner no longer needs it.")
    address = lan.lan_address(db)
    port = st.get_option("server.port") or lan.port_from_url(st.context.url)
    base = lan.base_url(address, port)
    if not address.reachable_by_phones:
        st.warning("This laptop is on no network other devices can reach, so a link works only on this laptop. "
                   "Connect to the Wi-Fi, or send the Word file instead.")
    label_text = st.text_input("Who the link is for (optional)", key=P + "link-label", max_chars=200,
                               placeholder="e.g. creative agency, production team")
    if st.button("Create a share link", icon=":material/link:"):
        with ui.saving("Share link"):
            token, link = brief_commands.create_link(db, campaign.id, label_text)
            st.session_state[P + "new-link"] = (link.id, brief_links.share_url(base, token))
            st.rerun()
    fresh = st.session_state.get(P + "new-link")
    if fresh:
        st.success("New link made. Copy it now: for safety the toolkit keeps only a fingerprint of it, so it "
                   "cannot show the link again.")
        st.code(fresh[1], language=None)
    links = brief_links.links(db, campaign.id)
    if links:
        st.subheader("Links", anchor=False)
    for link in links:
        with st.container(border=True):
            made_on = link.created_at.astimezone()
            state = "active" if link.active else f"withdrawn on {short_date(link.revoked_at)}"
            opened = f"opened {plural(link.opened, 'time')}"
            if link.last_opened_at:
                opened += f", last on {date_time(link.last_opened_at)}"
            st.markdown(f"**{ui.plain(link.label or 'Share link')}** · ending …{ui.plain(link.hint)} · {state}  \n"
                        f"Made on {date_time(made_on)} · {opened}")
            if link.active and st.button("Withdraw this link", key=f"revoke-{link.id}"):
                try:
                    brief_commands.revoke_link(db, link.id)
                except NotFound as exc:
                    st.error(ui.plain(str(exc)))
                else:
                    if fresh and fresh[0] == link.id:
                        st.session_state.pop(P + "new-link", None)
                    ui.flash("Link withdrawn: it now shows 'This link does not work'.")
                    st.rerun()
