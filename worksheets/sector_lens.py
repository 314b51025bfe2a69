"""Sector lens: the five things to look at in a sector before choosing the audience. Each
note is saved as soon as you leave the field, and goes to the creative brief."""

import streamlit as st

from c4d import ui
from c4d.audience.checks import SECTOR_PROMPTS, sector_findings
from c4d.audience.commands import save_sector
from c4d.audience.model import SECTOR_CONSIDERATIONS
from c4d.audience.reading import load_part
from c4d.audience.worksheet import SECTOR_LENS
from worksheets._audience_ui import findings, for_room, status

campaign = ui.require_campaign()
db = ui.store()
projector = ui.projector_on()
lens = load_part(db, campaign.id, "sector_lens")

st.title("Sector lens")
ui.show_flash()

if projector:
    if lens.sector:
        st.header(ui.plain(lens.sector), anchor=False)
    columns = st.columns(2)
    for n, (key, label) in enumerate(SECTOR_CONSIDERATIONS.items()):
        with columns[n % 2].container(border=True):
            st.subheader(label, anchor=False)
            note = getattr(lens, key)
            st.markdown(for_room(note) if note else "*" + ui.plain(SECTOR_PROMPTS[key]) + "*")


def facilitator_tools() -> None:
    """The notes, saved field by field: not for the projector."""
    st.caption("Look at the sector through five considerations before choosing the audience. Each note is saved "
               "when you leave the field, and goes into the creative brief's creative considerations.")
    status(SECTOR_LENS.progress(db, campaign))
    ERRORS = "sector-errors"


    def save(field: str) -> None:
        """Save one field when the facilitator leaves it; a refusal is kept to show beside it."""
        value = st.session_state[f"sector-{field}"]
        errors = st.session_state.setdefault(ERRORS, {})
        errors.pop(field, None)
        try:
            save_sector(db, campaign.id, **{field: value})
        except ValueError as exc:
            errors[field] = str(exc)
        else:
            ui.flash("Saved.")


    def problem(field: str) -> None:
        message = st.session_state.get(ERRORS, {}).get(field)
        if message:
            st.error(ui.plain("Not saved: " + message), icon=":material/block:")


    st.text_input("Sector or trafficking trend", value=lens.sector, key="sector-sector",
                  on_change=save, args=("sector",), placeholder="e.g. the PPCD's trend: sexual exploitation of young women")
    problem("sector")
    for key, label in SECTOR_CONSIDERATIONS.items():
        st.text_area(label, value=getattr(lens, key), key=f"sector-{key}", on_change=save, args=(key,),
                     help=SECTOR_PROMPTS[key], height=120)
        st.caption(ui.plain(SECTOR_PROMPTS[key]))
        problem(key)

    findings(sector_findings(load_part(db, campaign.id, "sector_lens")))


if not projector:
    facilitator_tools()
