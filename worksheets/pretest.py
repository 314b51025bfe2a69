"""Pre-test scoring: the pre-test sessions (place, date, facilitator, who took part and the
materials shown in order), scoring on phones, and paper forms typed into a grid."""

import io
from datetime import date

import pandas as pd
import segno
import streamlit as st

from c4d import lan, ui
from c4d.text import DATE_INPUT
from c4d.models import SessionKind, Sex
from c4d.phones import commands as phone_commands
from c4d.phones import phrases
from c4d.phones.model import Showing
from c4d.pretest import commands, record
from c4d.pretest.grid import (
    COL_AGE,
    COL_CODING,
    COL_GENERAL,
    COL_LABEL,
    COL_ROLE,
    COL_SEX,
    COL_SOURCE,
    COL_WORDS,
    comment_column,
    grid_columns,
    grid_rows,
    paper_form_html,
    score_column,
)
from c4d.pretest.model import (
    AGE_BANDS,
    CODING_LABELS,
    COMMENT_MAX,
    ROLE_LABELS,
    WORDS_MAX,
    Composition,
    CountRow,
    Method,
    PretestError,
    PretestGroup,
)
from c4d.pretest.showing import next_in_order, on_phones
from worksheets._pretest_ui import material_for_room, open_pretest_page

campaign, db, projector, doc = open_pretest_page(
    "Pre-test scoring",
    "Show the draft materials to members of the target audience — ideally people who were not in the workshops — "
    "and let them score each one on comprehension, appeal, acceptability, relevance and persuasion: on their "
    "phones, or on paper forms you type in below.")

sessions = [s for s in db.sessions(campaign.id) if s.kind is SessionKind.pretest_fgd]

# ---- a new pre-test session ---------------------------------------------------------------------------
if not projector:
    with st.expander("Add a pre-test session", expanded=not sessions, icon=":material/add:"):
        with st.form(ui.form_key("new-pretest-session")):  # empty again after each session
            place = st.text_input("Place", max_chars=200, placeholder="e.g. Darkhan-Uul")
            title = st.text_input("Title (optional)", max_chars=200,
                                  placeholder="e.g. Pre-test focus group, Darkhan-Uul")
            held_on = st.date_input("Date", value=date.today(), format=DATE_INPUT)
            facilitators = st.text_input("Facilitator(s), separated by commas", max_chars=500)
            if st.form_submit_button("Add the session", type="primary"):
                with ui.saving("Session"):
                    session = commands.add_pretest_session(
                        db, campaign.id, place=place, title=title, held_on=held_on,
                        facilitators=facilitators.split(","))
                    st.session_state["pretest-session"] = session.id
                    ui.form_saved("new-pretest-session")
                    ui.flash(f"Added {ui.plain(session.title)}. Now record who takes part and the materials to show.")
                    st.rerun()

if not sessions:
    if not projector:
        st.caption("A pre-test session is a workshop session of the kind 'Pre-test focus group'; you can also add "
                   "it on the 'Workshop sessions' page.")
    st.stop()

by_id = {s.id: s for s in sessions}
if st.session_state.get("pretest-session") not in by_id:
    # First visit: the session whose phones show a material, else the one chosen elsewhere, else the latest.
    live = [s.session_id for s in db.live_states() if s.session_id in by_id and s.showing is Showing.pretest]
    chosen = st.session_state.get("chosen_session")
    st.session_state["pretest-session"] = live[0] if live else chosen if chosen in by_id else sessions[-1].id
session_id = st.selectbox("Pre-test session", list(by_id), key="pretest-session",
                          format_func=lambda sid: f"{by_id[sid].title} ({by_id[sid].dates_label()})")
session = by_id[session_id]
st.session_state["chosen_session"] = session.id
group = doc.group(session.id) or PretestGroup(session_id=session.id)
facts = [session.dates_label(), session.place, ", ".join(session.facilitators)]
st.caption(ui.plain(" · ".join(f for f in facts if f))
           + (f" · {group.method.label} · {group.composition.label}" if doc.group(session.id) else ""))
materials = {m.id: m for m in doc.materials}
order = [m for m in group.material_order if m in materials]

# The open tab is remembered across reruns (a button press keeps the facilitator where they were),
# and only its content runs.
TABS = ["Who and what", "Scoring on phones", "Paper forms (grid)"]
state = db.live_state(session.id)
now_on_phones = on_phones(state)
if projector and now_on_phones in materials and not st.session_state.get("pretest-projector-was-on"):
    st.session_state["pretest-tabs"] = TABS[1]  # projector turned on: the room sees what the phones score
st.session_state["pretest-projector-was-on"] = projector
tab_group, tab_phones, tab_grid = st.tabs(TABS, key="pretest-tabs", on_change="rerun")

# ---- the group: composition and the materials shown ---------------------------------------------------
with tab_group:
    if tab_group.open:
        if projector:
            st.write(f"{group.people} people" if group.people else "Composition not recorded yet.")
        else:
            st.page_link("worksheets/sessions.py",
                         label="Change the place, date or facilitators on 'Workshop sessions'",
                         icon=":material/event:")
            sexes = list(Sex)
            counts = {(row.sex, row.age_band): row.count for row in group.counts}
            grid = [{"Age band": band, **{s.label: counts.get((s, band), 0) for s in sexes}} for band in AGE_BANDS]
            with st.form(f"group-{session.id}"):
                methods, compositions = list(Method), list(Composition)
                c1, c2 = st.columns(2)
                method = c1.radio("Method", methods, index=methods.index(group.method), format_func=lambda m: m.label)
                composition = c2.radio("Who took part", compositions, index=compositions.index(group.composition),
                                       format_func=lambda c: c.label,
                                       help="Target audience: members of the audience the campaign speaks to. External "
                                            "stakeholders: partners, officials, service providers. Mixed: both.")
                st.caption("How many people, by sex and age band (type 0 where there is nobody).")
                edited = ui.editable_table(
                    f"counts-{session.id}", grid, ["Age band", *(s.label for s in sexes)], disabled=["Age band"],
                    column_config={s.label: st.column_config.NumberColumn(min_value=0, max_value=500, step=1)
                                   for s in sexes})
                shown = st.multiselect(
                    "Materials shown, in the order shown", list(materials), default=order,
                    format_func=lambda mid: materials[mid].name,
                    help="Pick them in the order the group sees them; showing alternatives in a different order in "
                         "each group avoids favouring the one shown first.")
                notes = st.text_area("Notes (recruitment, consent, anything that affects the results)",
                                     value=group.notes,
                                     max_chars=5000)
                if st.form_submit_button("Save", type="primary"):
                    with ui.saving("Pre-test group"):
                        rows = []
                        for line in edited.to_dict("records"):
                            for s in sexes:
                                value = line.get(s.label)
                                if value is None or pd.isna(value) or not value:
                                    continue
                                rows.append(CountRow(sex=s, age_band=line["Age band"], count=int(value)))
                        commands.save_group(db, campaign.id, PretestGroup(
                            session_id=session.id, method=method, composition=composition, counts=rows,
                            material_order=shown, notes=notes))
                        ui.flash("Saved the group and the order of the materials.")
                        st.rerun()
        if not materials and not projector:
            st.info("No draft material is registered yet.")
            st.page_link("worksheets/materials.py", label="Register the draft materials", icon=":material/draw:")
        elif order:
            st.markdown("**Order:** " + " → ".join(ui.plain(materials[m].name) for m in order))

# ---- scoring on phones ---------------------------------------------------------------------------------
address = lan.lan_address(db)
join = lan.join_url(address, state.join_code, st.get_option("server.port") or lan.port_from_url(st.context.url))


@st.cache_data(show_spinner=False, max_entries=20)
def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=10, border=2, dark="#000000", light="#ffffff")
    return out.getvalue()


with tab_phones:
    if tab_phones.open:
        qr_col, text_col = st.columns([1, 3], vertical_alignment="center")
        qr_col.image(qr_png(join), width="stretch", alt="QR code that opens the scoring page")
        with text_col:
            st.markdown(f"Participants open **{ui.plain(join)}** on their phones (same Wi-Fi as this laptop) "
                        f"and, if asked, type the code **{ui.plain(state.join_code)}**.")
            if projector:  # the projector follows the phones below, as they change
                showing = ""
            elif now_on_phones and now_on_phones in materials:
                showing = f"Phones now show: **{ui.plain(materials[now_on_phones].name)}**"
            elif state.showing is Showing.wait:
                showing = "Phones now show a 'please wait' page."
            else:
                showing = "Phones now show something else in this session (a ballot or the idea board)."
            if showing:
                st.markdown(showing)
            ui.projector_window_button(session)
        if not order:
            st.info("Choose the materials to show, in order, under 'Who and what'.")
        else:
            people = group.people

            @st.fragment(run_every=2)
            def answer_counts() -> None:
                current = record.load(db, campaign.id)
                live = on_phones(db.live_state(session.id))
                if projector:  # the room sees the material the phones score, and the answers coming in
                    material_for_room(db, current, live, session.id)
                    return
                rows = []
                for mid in order:
                    if current.find_material(mid) is None:
                        continue
                    answers = current.responses_to(mid, session.id)
                    rows.append({"#": order.index(mid) + 1, "Material": current.material(mid).name,
                                 "Answers": f"{len(answers)} of {people}" if people else str(len(answers)),
                                 "From phones": sum(1 for r in answers if r.source == "phone"),
                                 "On phones now": "yes" if mid == live else ""})
                ui.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

            answer_counts()
            if not projector:
                next_up = next_in_order(doc, session.id, now_on_phones)
                c1, c2, c3 = st.columns(3)
                with ui.saving("Phones"):
                    if next_up is not None and c1.button(f"Show next: {materials[next_up].name}", type="primary",
                                                         key="pretest-next"):
                        commands.show_material(db, campaign.id, session.id, next_up)
                        ui.flash(f"The phones show {ui.plain(materials[next_up].name)}.")
                        st.rerun()
                    pick = c2.selectbox("Or show", order, format_func=lambda mid: materials[mid].name,
                                        key="pretest-pick", label_visibility="collapsed")
                    if c2.button("Show this one", key="pretest-show"):
                        commands.show_material(db, campaign.id, session.id, pick)
                        ui.flash(f"The phones show {ui.plain(materials[pick].name)}.")
                        st.rerun()
                    if state.showing is not Showing.wait and c3.button("Take off the phones", key="pretest-stop"):
                        commands.stop_showing(db, session.id)
                        ui.flash("The phones show a 'please wait' page.")
                        st.rerun()
                st.caption("Each phone answers once per material; sending again replaces its earlier answers. Once a "
                           "participant has answered, the phone waits and shows the next material by itself.")

        if not projector:
            with st.expander("Scoring rules (whole campaign)", icon=":material/rule:"):
                st.caption(f"Five criteria are always asked. Believability is optional; turn it on before the first "
                           f"group so every group answers the same questions. Verdicts use the threshold set on the "
                           f"'Pre-test results' page (now {doc.threshold}%).")

                def toggle_believability() -> None:
                    with ui.saving("Scoring rules"):
                        commands.set_rules(db, campaign.id, believability=st.session_state["pretest-believability"])

                st.toggle("Also ask about believability", value=doc.believability, key="pretest-believability",
                          on_change=toggle_believability)

            words = phrases.phrases(campaign.participant_language, phrases.load_translations(db))
            with st.expander(f"The wording on the phones and paper forms ({campaign.participant_language})",
                             icon=":material/translate:"):
                st.caption("Each score from 1 to 5 has its own words, so everyone reads the scale the same way. Type "
                           f"a translation into the participants' language ('{campaign.participant_language}', set on "
                           "the campaign); an empty box shows the English.")
                keys = [k for k in phrases.PHRASE_KEYS if k.startswith("pretest_")
                        and (doc.believability or not k.startswith("pretest_believability"))]
                stored = phrases.load_translations(db).get(campaign.participant_language, {})
                with st.form(f"pretest-words-{campaign.participant_language}"):
                    typed = {key: st.text_input(ui.plain(phrases.PHRASE_KEYS[key][0]), value=stored.get(key, ""),
                                                max_chars=phrases.TEXT_MAX, help=phrases.PHRASE_KEYS[key][1],
                                                key=f"pretest-word-{key}") for key in keys}
                    if st.form_submit_button("Save the wording"):
                        with ui.saving("Wording"):
                            changed = phone_commands.save_translations(db, campaign.participant_language, typed)
                            ui.flash(f"Saved {changed} phrase(s).")
                            st.rerun()
            if order:
                st.download_button(
                    "Printable score sheets (HTML, one A4 page per material)",
                    data=lambda: paper_form_html(campaign.name, session.title, [materials[m] for m in order],
                                                 doc.criteria(), words, campaign.participant_language),
                    file_name=f"{session.slug or 'pretest'}-score-sheets.html", mime="text/html",
                    icon=":material/print:")

# ---- paper forms typed in ---------------------------------------------------------------------------------
with tab_grid:
    if tab_grid.open:
        if projector:
            st.caption("The grid is hidden in projector mode.")
        elif not materials:
            st.info("Register the draft materials first.")
        else:
            choices = order + [m for m in materials if m not in order]
            if st.session_state.get("pretest-grid-material") not in choices:  # first: the one on the phones
                st.session_state["pretest-grid-material"] = now_on_phones if now_on_phones in choices else choices[0]
            material_id = st.selectbox("Material", choices, key="pretest-grid-material",
                                       format_func=lambda mid: materials[mid].name
                                       + ("" if mid in order else " (not in this group's order)"))
            material = materials[material_id]
            st.caption("One row per participant. Each change is saved as you leave the cell; a row with a wrong value "
                       "is refused with the reason and the other rows are kept. Scores are whole numbers from 1 to 5; "
                       "leave a cell empty when the participant did not answer. Phones' rows appear here too, so you "
                       "can code their answers.")
            paper = [r for r in doc.respondents_of(session.id) if r.device_key is None]
            if group.people and len(paper) < group.people:
                if st.button(f"Add rows for the {group.people} people of the composition", key="pretest-rows"):
                    with ui.saving("Rows"):
                        made = commands.add_respondents_from_counts(db, campaign.id, session.id)
                        ui.flash(f"Added {len(made)} row(s) with their sex and age band.")
                        st.rerun()
            show_comments = st.toggle("Show the comment columns", key="pretest-comment-columns")
            criteria = doc.criteria()
            def save_grid(edit: ui.TableEdit) -> bool:
                """Row by row; a row with a bad cell stays in the grid, with its reason, until it is right."""
                try:
                    outcome = commands.apply_grid_edits(db, campaign.id, session.id, material.id, edit.base,
                                                        edit.changes, edit.memo)
                except PretestError as problem:
                    st.session_state["pretest-grid-messages"] = ([str(problem)], [])
                    return True
                st.session_state["pretest-grid-messages"] = (outcome.errors, outcome.notes)
                return bool(outcome.errors)

            def anchors(criterion) -> str:
                english = phrases.ENGLISH
                return (f"{english[f'pretest_{criterion.value}_q']} 1 = {english[f'pretest_{criterion.value}_1']}; "
                        f"5 = {english[f'pretest_{criterion.value}_5']}.")

            columns = grid_columns(doc)
            visible = [c for c in columns[1:] if show_comments or not (c.startswith("Why (") or c == COL_GENERAL)]
            ui.editable_table(
                f"pretest-grid-{session.id}-{material.id}", grid_rows(doc, session.id, material.id), columns,
                save=save_grid, num_rows="dynamic", column_order=visible, disabled=[COL_SOURCE],
                column_config={
                    COL_LABEL: st.column_config.TextColumn(max_chars=200,
                                                           help="A number or initials; never a full name."),
                    COL_SEX: st.column_config.SelectboxColumn(options=[s.label for s in Sex]),
                    COL_AGE: st.column_config.SelectboxColumn(options=list(AGE_BANDS)),
                    COL_ROLE: st.column_config.SelectboxColumn(options=list(ROLE_LABELS.values())),
                    COL_SOURCE: st.column_config.TextColumn(),
                    COL_WORDS: st.column_config.TextColumn(max_chars=WORDS_MAX, width="large",
                                                           help="What the participant said the main message is."),
                    COL_CODING: st.column_config.SelectboxColumn(options=list(CODING_LABELS.values()),
                                                                 help="Your coding of their words."),
                    **{score_column(c): st.column_config.NumberColumn(min_value=1, max_value=5, step=1, help=anchors(c))
                       for c in criteria},
                    **{comment_column(c): st.column_config.TextColumn(max_chars=COMMENT_MAX) for c in criteria},
                    COL_GENERAL: st.column_config.TextColumn(max_chars=COMMENT_MAX),
                },
            )
            errors, notes = st.session_state.get("pretest-grid-messages", ([], []))
            for message in errors:
                st.error(ui.plain(message))
            for message in notes:
                st.caption(ui.plain(message))
            if material.main_message:
                st.caption("The main message it should get across: " + ui.plain(material.main_message))

st.page_link("worksheets/pretest_results.py", label="See the results and record decisions", icon=":material/insights:")
