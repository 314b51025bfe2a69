"""Settings and backup: where the data lives, backups, the passcode, the campaign's details."""

import streamlit as st

from c4d import access, backup, config, ui
from c4d.models import Campaign

db = ui.store()
campaign = ui.current_campaign()

st.title("Settings and backup")
ui.show_flash()

# ---- the open campaign ------------------------------------------------------------------
if campaign is not None:
    st.header("This campaign", anchor=False)
    with st.form("campaign-details"):
        name = st.text_input("Campaign name", value=campaign.name, max_chars=200)
        country = st.text_input("Country or area", value=campaign.country, max_chars=200)
        organisers = st.text_area("Organisers (one per line)", value="\n".join(campaign.organisers), height=90)
        summary = st.text_area("Background and problem, in a few sentences", value=campaign.summary, max_chars=5000)
        language = st.text_input(
            "Participants' language (code)", value=campaign.participant_language, max_chars=16,
            help="The language of the words participants see on their phones, e.g. en, mn, km, my, bn, th.")
        if st.form_submit_button("Save campaign details", type="primary"):
            with ui.saving("Campaign"):
                db.update_campaign(Campaign.model_validate(campaign.model_dump() | {
                    "name": name, "country": country, "summary": summary,
                    "participant_language": language.strip().lower(),
                    "organisers": [o for o in organisers.splitlines() if o.strip()],
                }))
                ui.flash("Campaign details saved.")
                st.rerun()

    st.subheader("Back up this campaign", anchor=False)
    st.write("One file holds the whole campaign: sessions, participants, decisions and worksheets. Keep a copy on "
             "a USB stick or a shared drive after every workshop day; import it on another laptop to carry on there.")
    st.download_button("Download backup", data=lambda: backup.export_campaign(db, campaign.id)[1],
                       file_name=backup.backup_filename(db, campaign.id), mime="application/octet-stream", icon=":material/save:")

# ---- import ---------------------------------------------------------------------------------
st.header("Import a campaign backup", anchor=False)
upload = st.file_uploader("Backup file (.c4d.json or .c4d.zip)", type=["json", "zip"], key="backup-upload")
if upload is not None:
    data = upload.getvalue()
    try:
        document, _ = backup.read_backup(data)
    except backup.BackupError as exc:
        st.error(ui.plain(str(exc)))
    else:
        existing = backup.existing_match(db, document)
        mode = backup.ImportMode.refuse
        st.write(f"Campaign in the file: **{ui.plain(document['campaign']['name'])}** "
                 f"({len(document['sessions'])} session(s)).")
        if existing is not None:
            st.warning(f"'{ui.plain(existing.name)}' is already on this laptop.")
            mode = st.radio("What should happen?", [backup.ImportMode.copy, backup.ImportMode.replace],
                            format_func=lambda m: {"copy": "Keep both: import as a copy",
                                                   "replace": "Replace the one on this laptop with the file"}[m.value])
        if st.button("Import", type="primary"):
            try:
                imported = backup.import_campaign(db, data, mode)
            except backup.BackupError as exc:
                st.error(ui.plain(str(exc)))
            else:
                ui.set_campaign(imported)
                ui.flash(f"Imported '{ui.plain(imported.name)}'.")
                st.rerun()

# ---- this laptop ---------------------------------------------------------------------------
st.header("This laptop", anchor=False)
st.write("**Where the data lives**")
st.code(config.describe_location(db.url), language=None)
st.caption("Everything stays on this laptop: nothing is sent anywhere unless you download or export it. "
           "Set C4D_DATA_DIR to keep the data in another folder, or C4D_DATABASE_URL to use an "
           "organisation's database server.")

with st.expander("Organisation logo (for reports and briefs)"):
    logo_id = db.setting("logo_attachment_id")
    if logo_id and (logo := db.attachment(logo_id)):
        st.image(logo[2], width=160)
        if st.button("Remove the logo"):
            db.set_setting("logo_attachment_id", None)
            db.delete_attachment(logo_id)
            st.rerun()
    image = st.file_uploader("Logo (PNG or JPEG, at most 2 MB)", type=["png", "jpg", "jpeg"], key="logo-upload")
    if image is not None:
        content = image.getvalue()
        if len(content) > 2 * 2**20:
            st.error(f"The logo is {len(content) / 2**20:.1f} MB; use an image of at most 2 MB.")
        elif not (content.startswith(b"\x89PNG") or content.startswith(b"\xff\xd8")):
            st.error("That file is not a PNG or JPEG image.")
        elif st.button("Use this logo", type="primary"):
            new_id = db.add_attachment(None, image.name, image.type or "image/png", content)
            if logo_id:
                db.delete_attachment(logo_id)
            db.set_setting("logo_attachment_id", new_id)
            st.rerun()

with st.expander("Change the facilitator passcode"):
    with st.form("change-passcode", clear_on_submit=True):
        current = st.text_input("Current passcode", type="password")
        new = st.text_input("New passcode", type="password")
        again = st.text_input("Type the new passcode again", type="password")
        if st.form_submit_button("Change passcode"):
            if not access.sign_in(db, current):
                st.error("The current passcode is not right; nothing changed.")
            else:
                try:
                    access.set_passcode(db, new, again)
                except access.PasscodeError as exc:
                    st.error(str(exc))
                else:
                    st.success("Passcode changed. Other devices must sign in again with the new one.")
