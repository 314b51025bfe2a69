"""Settings and backup: where the data lives, backups, the passcode, the campaign's details."""

import streamlit as st

from c4d import access, backup, config, lan, ui

from c4d.phones import commands as phone_commands
from c4d.phones import phrases
from c4d.workspace import branding, commands

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
                commands.update_campaign_details(db, campaign, name=name, country=country, summary=summary,
                                                 organisers=organisers.splitlines(), participant_language=language)
                ui.flash("Campaign details saved.")
                st.rerun()

    st.subheader("Back up this campaign", anchor=False)
    st.write("One file holds the whole campaign: sessions, participants, decisions and worksheets. Keep a copy on "
             "a USB stick or a shared drive after every workshop day; import it on another laptop to carry on there.")
    st.download_button("Download backup", data=lambda: backup.export_campaign(db, campaign.id)[1],
                       file_name=backup.backup_filename(db, campaign.id), mime="application/octet-stream", icon=":material/save:")

# ---- import ---------------------------------------------------------------------------------
st.header("Import a campaign backup", anchor=False)
upload = st.file_uploader("Backup file (.c4d.json or .c4d.zip, at most 200 MB)", type=["json", "zip"],
                          key="backup-upload", max_upload_size=ui.upload_limit_mb(backup.MAX_BACKUP_BYTES))
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
    logo = branding.organisation_logo(db)
    if logo is not None:
        st.image(logo, width=160)
        if st.button("Remove the logo"):
            commands.remove_logo(db)
            st.rerun()
    image = st.file_uploader("Logo (PNG or JPEG, at most 2 MB)", type=["png", "jpg", "jpeg"], key="logo-upload",
                             max_upload_size=ui.upload_limit_mb(branding.MAX_LOGO_BYTES))
    if image is not None:
        content = image.getvalue()
        try:
            branding.check_logo(content)
        except branding.LogoError as exc:
            st.error(str(exc))
        else:
            if st.button("Use this logo", type="primary"):
                commands.set_logo(db, image.name, image.type, content)
                st.rerun()

with st.expander("Network address for phones"):
    st.write("Phones open the join link shown on the live screen, which carries this laptop's address on the "
             "Wi-Fi or hotspot. It is detected on its own; type it here only when the live screen shows the wrong "
             "one (for example when the laptop is on a cable and a hotspot at once).")
    detected = lan.lan_address(None)
    st.caption(f"Detected now: {detected.host}" if detected.reachable_by_phones
               else "No network detected: connect the laptop to the Wi-Fi or turn on its hotspot.")
    saved_address = db.setting(lan.SETTING) or ""
    with st.form("lan-address"):
        typed_address = st.text_input("Address phones use (leave empty to detect it)", value=saved_address,
                                      max_chars=200, placeholder="e.g. 192.168.137.1 or 192.168.1.20:8501")
        if st.form_submit_button("Save address"):
            try:
                address = commands.set_laptop_address(db, typed_address)
            except lan.AddressError as exc:
                st.error(f"Not saved: {ui.plain(str(exc))}.")
            else:
                ui.flash(f"Phones will use {ui.plain(address)}." if address
                         else "The address will be detected.")
                st.rerun()

with st.expander("Participants' phone words"):
    st.write("The few sentences participants see on their phones (buttons, thank-you and closed pages) in their "
             "language. English is built in; a phrase left empty shows in English.")
    default_language = campaign.participant_language if campaign is not None else ""
    phrase_language = st.text_input("Language (code)", value=default_language, max_chars=16, key="phrases-language",
                                    help="e.g. mn, km, my, bn, th; the campaign's participants' language is set "
                                         "under 'This campaign'.").strip()
    if phrase_language and not phrases.LANGUAGE_PATTERN.fullmatch(phrase_language):
        st.error("Use a language code such as 'mn', 'km' or 'pt-BR'.")
    elif phrase_language:
        current_words = phrases.load_translations(db).get(phrase_language, {})
        st.caption(f"{len(current_words)} of {len(phrases.PHRASE_KEYS)} phrases translated for "
                   f"'{ui.plain(phrase_language)}'.")
        with st.form(f"phrases-{phrase_language}"):
            typed_words = {
                key: st.text_input(ui.plain(english), value=current_words.get(key, ""), help=purpose,
                                   max_chars=phrases.TEXT_MAX, key=f"phrase-{phrase_language}-{key}")
                for key, (english, purpose) in phrases.PHRASE_KEYS.items()
            }
            if st.form_submit_button("Save translations"):
                try:
                    phone_commands.save_translations(db, phrase_language, typed_words)
                except ValueError as exc:
                    st.error(f"Not saved: {ui.plain(str(exc))}")
                else:
                    ui.flash("Translations saved; phones show them from their next page.")
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
