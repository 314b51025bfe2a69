"""Draft materials: the register of drafts to pre-test — type, title, language, versions
(what changed and why), typed text and the file itself, shown inline where the browser can."""

from datetime import date

import pandas as pd
import streamlit as st

from c4d import ui
from c4d.pretest import commands
from c4d.pretest import model as pretest
from c4d.pretest.files import ACCEPTED_SUMMARY, Upload, check_file
from c4d.pretest.model import MAX_FILE_BYTES, Material, MaterialType, PretestError
from c4d.removed.model import RemovedKind
from c4d.text import plural, size_label
from worksheets._pretest_ui import open_pretest_page
from c4d.text import DATE_INPUT, short_date

campaign, db, projector, doc = open_pretest_page(
    "Draft materials",
    "The drafts to pre-test with the audience: slogans, posters, scripts, storyboards, radio spots, posts, chatbot "
    "flows, mural sketches. Each change after a pre-test becomes a new version (v2, v3, …) that says what changed "
    "and why.", removes=(RemovedKind.material,))
LIMIT_MB = MAX_FILE_BYTES // (1024 * 1024)

sessions = db.sessions(campaign.id)
session_titles = {s.id: s.title for s in sessions}
version_key = "materials-form-version"
form_version = st.session_state.setdefault(version_key, 0)


def content_label(material: Material) -> str:
    parts = []
    if material.text.strip():
        parts.append("typed text")
    if material.file is not None:
        parts.append(f"{material.file.filename} ({size_label(material.file.size)})")
    return " + ".join(parts) or "nothing yet"


def read_upload(uploaded) -> Upload | None:
    if uploaded is None:
        return None
    return Upload(uploaded.name, uploaded.getvalue())


# ---- the register ------------------------------------------------------------------------------
if doc.materials:
    ui.dataframe(pd.DataFrame([{
        "Material": m.title, "Version": f"v{m.version}", "Type": m.type.label, "Language": m.language,
        "For": m.purpose, "Content": content_label(m), "Status": pretest.status_of(doc, m),
    } for m in doc.materials]), hide_index=True, width="stretch")
elif projector:
    st.info("No draft material registered yet.")
    st.stop()

if not projector:
    with ui.entry_form("new-material", "Register a draft material", expanded=not doc.materials,
                       icon=":material/add:"):
        kind = st.selectbox("Type", list(MaterialType), format_func=lambda t: t.label)
        title = st.text_input("Title", max_chars=200, placeholder="e.g. Slogan A, Transit-point poster")
        language = st.text_input("Language", max_chars=200, placeholder="e.g. Mongolian")
        purpose = st.text_input(
            "What it is for (optional)", max_chars=200, placeholder="e.g. Campaign slogan",
            help="Materials with the same purpose are compared as alternatives (slogan A against slogan B).")
        text = st.text_area("Text (a slogan, a script, a post — optional when you attach a file)", max_chars=5000)
        main_message = st.text_area(
            "The main message it should get across (optional)", max_chars=5000,
            help="What the audience should take away. It helps to code what participants say the main "
                 "message is (correct, partly, incorrect).")
        drafted = st.selectbox("Drafted in (optional)", [None] + [s.id for s in sessions],
                               format_func=lambda sid: "–" if sid is None else session_titles[sid])
        uploaded = st.file_uploader(f"The file (optional, at most {LIMIT_MB} MB): {ACCEPTED_SUMMARY}",
                                    max_upload_size=ui.upload_limit_mb(MAX_FILE_BYTES))
        if st.form_submit_button("Register the material", type="primary"):
            with ui.saving("Material"):
                if not title.strip():
                    raise ValueError("give the material a title, e.g. 'Slogan A'")
                material = Material(type=kind, title=title, language=language, purpose=purpose, text=text,
                                    main_message=main_message, drafted_in=drafted)
                if not material.text.strip() and uploaded is None:
                    raise ValueError("type the text or attach the file, so there is something to show")
                material = commands.register_material(db, campaign.id, material, read_upload(uploaded))
                st.session_state[version_key] = form_version + 1
                st.session_state["material"] = st.session_state["material-pending"] = material.id
                ui.form_saved("new-material", added=f"Registered {ui.plain(material.name)}. "
                                                    "The form is ready for the next material.")
                st.rerun()

if not doc.materials:
    st.stop()

# ---- one material ---------------------------------------------------------------------------------
ids = [m.id for m in doc.materials]
wanted = st.session_state.get("material")
picker = "material-picker"
if wanted in ids and st.session_state.get(picker) not in ids:
    st.session_state[picker] = wanted
if st.session_state.get(picker) not in ids:
    st.session_state[picker] = ids[0]
if st.session_state.pop("material-pending", None) in ids:
    st.session_state[picker] = wanted
choice = st.selectbox("Material", ids, key=picker,
                      format_func=lambda mid: f"{doc.material(mid).name} · {pretest.status_of(doc, doc.material(mid))}")
st.session_state["material"] = choice
material = doc.material(choice)
family = doc.family(material.family_id)

st.header(ui.plain(material.name), anchor=False)
facts = [material.type.label, material.language, f"for: {material.purpose}" if material.purpose else "",
         pretest.status_of(doc, material)]
st.caption(ui.plain(" · ".join(f for f in facts if f)))
if material.version > 1 and material.changes:
    st.markdown(f"**What changed from v{material.version - 1}:** {ui.plain(material.changes)}")

if material.text.strip():
    with st.container(border=True, key="material-text"):
        if projector:
            st.markdown("<style>.st-key-material-text p{font-size:2.6rem !important;line-height:1.3;font-weight:700}"
                        "</style>", unsafe_allow_html=True)
        st.markdown(ui.plain(material.text))
if material.file is not None:
    found = db.attachment(material.file.attachment_id)
    if found is None:
        st.warning("The file of this material is no longer stored; attach it again.")
    else:
        filename, media_type, content = found
        kind = material.file.kind
        if kind == "image":
            st.image(content, caption=None if projector else filename, width="stretch" if projector else "content")
        elif kind == "audio":
            st.audio(content, format=media_type)
        elif kind == "video":
            st.video(content, format=media_type)
        elif kind == "pdf":
            ui.show_pdf(content, projector=projector)
        elif kind == "document" and media_type == "text/plain":
            st.text(content.decode("utf-8-sig", errors="replace")[:20_000])
        if not projector:
            st.download_button(f"Download {filename} ({size_label(len(content))})", data=content,
                               file_name=filename, mime=media_type, icon=":material/download:",
                               key=f"download-{material.id}")
            if kind == "document" and media_type != "text/plain":
                st.caption("This browser page cannot show this kind of file; download it to open it.")
if material.main_message and not projector:
    st.markdown(f"**Main message it should get across:** {ui.plain(material.main_message)}")
if material.notes and not projector:
    st.caption(ui.plain(material.notes))

if projector:
    st.stop()

if len(family) > 1:
    st.subheader("Versions", anchor=False)
    ui.dataframe(pd.DataFrame([{
        "Version": f"v{m.version}", "Date": short_date(m.created_on), "What changed and why": m.changes or "first draft",
        "Status": pretest.status_of(doc, m),
    } for m in family]), hide_index=True, width="stretch")

decisions = doc.decisions_on(material.id)
for d in decisions:
    st.markdown(f"**Decision, {ui.plain(short_date(d.date))}: {d.decision.label}** — {ui.plain(d.reason)}")

# ---- changes ---------------------------------------------------------------------------------------
with st.expander("New version (after a pre-test or a review)", icon=":material/difference:"):
    with st.form(ui.form_key(f"new-version-{material.id}", family[-1])):
        st.caption(f"Creates v{family[-1].version + 1} of '{ui.plain(material.title)}'. The text and file of the "
                   f"latest version carry over unless you change them.")
        changes = st.text_area("What changed, and why", max_chars=5000,
                               placeholder="e.g. Helpline number made larger after both groups missed it")
        new_text = st.text_area("Text of the new version", value=family[-1].text, max_chars=5000)
        new_file = st.file_uploader(f"A new file (optional, at most {LIMIT_MB} MB)",
                                    max_upload_size=ui.upload_limit_mb(MAX_FILE_BYTES))
        when = st.date_input("Date", value=date.today(), format=DATE_INPUT)
        if st.form_submit_button("Create the new version", type="primary"):
            with ui.saving("New version"):
                made = commands.add_version(db, campaign.id, material.id, changes, upload=read_upload(new_file),
                                            text=new_text, created_on=when)
                st.session_state["material"] = made.id
                st.session_state["material-pending"] = made.id
                st.session_state[version_key] = form_version + 1
                ui.flash(f"Created {ui.plain(made.name)}.")
                st.rerun()

with st.expander("Edit the details", icon=":material/edit:"):
    with st.form(ui.form_key("edit-material", material)):
        types = list(MaterialType)
        kind = st.selectbox("Type", types, index=types.index(material.type), format_func=lambda t: t.label)
        title = st.text_input("Title", value=material.title, max_chars=200,
                              help="The title is shared by all versions of the material.")
        language = st.text_input("Language", value=material.language, max_chars=200)
        purpose = st.text_input("What it is for", value=material.purpose, max_chars=200)
        text = st.text_area("Text", value=material.text, max_chars=5000)
        main_message = st.text_area("The main message it should get across", value=material.main_message,
                                    max_chars=5000)
        changes = st.text_area("What changed from the previous version, and why", value=material.changes,
                               max_chars=5000) if material.version > 1 else material.changes
        notes = st.text_area("Notes", value=material.notes, max_chars=5000)
        options = [None] + [s.id for s in sessions]
        drafted = st.selectbox("Drafted in", options,
                               index=options.index(material.drafted_in) if material.drafted_in in options else 0,
                               format_func=lambda sid: "–" if sid is None else session_titles[sid])
        if st.form_submit_button("Save the details", type="primary"):
            with ui.saving("Material"):
                commands.update_material(db, campaign.id, material.id, type=kind, title=title, language=language,
                                         purpose=purpose, text=text, main_message=main_message, changes=changes,
                                         notes=notes, drafted_in=drafted)
                ui.flash("Details saved.")
                st.rerun()

with st.expander("The file", icon=":material/attach_file:"):
    st.caption(f"At most {LIMIT_MB} MB: {ACCEPTED_SUMMARY}. The file is checked before anything is saved; "
               "a file that is too big or of another kind is refused with the reason, and the material keeps "
               "what it had.")
    replacement = st.file_uploader("Attach a file" if material.file is None else "Replace the file",
                                   key=f"file-{material.id}-{form_version}",
                                   max_upload_size=ui.upload_limit_mb(MAX_FILE_BYTES))
    refused = None
    if replacement is not None:
        try:
            check_file(replacement.name, replacement.getvalue())
        except PretestError as problem:
            refused = str(problem)
            st.error(ui.plain(f"Not saved: {refused}"))
    if replacement is not None and refused is None and st.button("Save this file", type="primary",
                                                                  key=f"save-file-{material.id}"):
        with ui.saving("File"):
            commands.attach_file(db, campaign.id, material.id, read_upload(replacement))
            st.session_state[version_key] = form_version + 1
            ui.flash(f"File saved: {ui.plain(replacement.name)}.")
            st.rerun()
    if material.file is not None and st.button("Remove the file", key=f"remove-file-{material.id}"):
        with ui.saving("File"):
            commands.remove_file(db, campaign.id, material.id)
            ui.flash("File removed.")
            st.rerun()

answers = len(doc.responses_to(material.id))
ui.remove_button(material, lambda: commands.delete_material(db, campaign.id, material.id),
                 key=f"delete-material-{material.id}", label="Remove this version",
                 note=f"Its {plural(answers, 'answer')} and its decisions go with it. Other versions stay.",
                 after=lambda: (st.session_state.pop("material", None), st.session_state.pop(picker, None)))

st.page_link("worksheets/pretest.py", label="Pre-test scoring: show the materials to a group",
             icon=":material/fact_check:")
