"""Channels and distribution: the media that reach each audience, why (evidence), when,
with whom, in which languages, at what cost and reach; totals by channel and by
audience; warnings for a primary audience with no channel or a channel with no evidence."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from c4d import ui
from c4d.audience.reading import load_analysis
from c4d.strategy.channel_checks import evidence_hint, warnings
from c4d.strategy.channel_totals import Total, grand_total, money, reach, totals_by_audience, totals_by_channel
from c4d.removed.model import RemovedKind
from c4d.strategy.commands import remove_channel, save_channel, set_currency
from c4d.strategy.model import AudienceRef, ChannelEntry, ChannelKind, audience_names, ref_to
from c4d.strategy.wording import parse_number
from c4d.strategy.worksheet import known_audiences, load_plan
from c4d.text import number

campaign = ui.require_campaign()
db = ui.store()
projector = ui.projector_on()
audiences = known_audiences(db, campaign.id)
try:
    plan = load_plan(db, campaign.id)
except ValueError as exc:
    st.error(ui.plain(str(exc)))
    st.stop()
try:
    profile = load_analysis(db, campaign.id).profile
except ValueError:
    profile = None

st.title("Channels and distribution")
if not projector:
    st.caption("Reach the audience where it already is. For each channel: who it reaches, the evidence that they "
               "use it (the baseline, the audience profile, the PPCD's media vote), timing, partner, languages, "
               "cost and expected reach.")
ui.show_flash()
ui.recently_removed(campaign, RemovedKind.channel)

found = warnings(plan, audiences)
for warning in found:
    if warning.kind != "audience_without_channel":
        st.warning(f"{ui.plain(warning.message)}  \n*Suggestion:* {ui.plain(warning.suggestion)}",
                   icon=":material/warning:")
quiet = [w for w in found if w.kind == "audience_without_channel"]
if quiet and not projector:
    st.info("Secondary audiences with no channel yet: " + ui.plain("; ".join(
        w.message.removesuffix(" has no channel yet.") for w in quiet)) + ".", icon=":material/info:")

currency = plan.currency or ""


def entry_row(entry: ChannelEntry) -> dict:
    return {
        "Channel": entry.kind.label, "Detail": entry.detail,
        "Audiences": ", ".join(audience_names(entry, audiences)),
        "Why (evidence)": entry.evidence, "Timing": entry.timing, "Partner": entry.partner,
        "Languages": ", ".join(entry.languages),
        "Expected reach": entry.expected_reach, f"Cost ({currency})" if currency else "Cost": entry.cost,
    }


if plan.entries:
    ui.dataframe(pd.DataFrame([entry_row(e) for e in plan.entries]), hide_index=True, width="stretch",
                 column_config={"Expected reach": st.column_config.NumberColumn(format="localized"),
                                "Why (evidence)": st.column_config.TextColumn(width="large")})
else:
    st.info("No channel yet. Start with the channels the primary audience already uses.")


def totals_frame(totals: list[Total], first: str) -> pd.DataFrame:
    return pd.DataFrame([{first: t.name, "Channels": t.entries, "Expected reach": reach(t),
                          "Cost": money(t, currency)} for t in totals])


if plan.entries:  # one above the other, so every column shows on a laptop screen
    st.subheader("By channel", anchor=False)
    ui.dataframe(totals_frame(totals_by_channel(plan) + [grand_total(plan)], "Channel"),
                 hide_index=True, width="stretch")
    st.subheader("By audience", anchor=False)
    ui.dataframe(totals_frame(totals_by_audience(plan, audiences), "Audience"), hide_index=True,
                 width="stretch")
    st.caption("A channel that reaches two audiences counts for both.")

if projector:
    st.stop()


typed_currency = st.text_input("Currency of the costs", value=plan.currency, max_chars=20, key="channel-currency",
                               help="e.g. USD, MNT, EUR")
if " ".join(typed_currency.split()) != plan.currency:
    with ui.saving("Currency"):
        set_currency(db, campaign.id, typed_currency)
        st.rerun()

# ---- add or edit one channel: a stored channel, or empty for a new one ------------------------------
K = "channel-"
NEW = "new"
choices = [NEW] + [e.id for e in plan.entries]
labels = {NEW: "A new channel"} | {e.id: f"{i}. {e.label}" for i, e in enumerate(plan.entries, start=1)}
by_id = {e.id: e for e in plan.entries}


def stop_editing() -> None:
    st.session_state[K + "which"] = NEW
    ui.form_saved("channel")


if st.session_state.get(K + "which") not in choices:  # first visit, or the channel was removed meanwhile
    st.session_state[K + "which"] = NEW
editing = by_id.get(st.session_state[K + "which"])
if editing is not None:
    st.header(f"Editing channel {choices.index(editing.id)}: {ui.plain(editing.label)}", anchor=False)
else:
    st.header("Add a channel", anchor=False)
which = st.selectbox("Channel to edit", choices, key=K + "which", format_func=labels.get)
F = ui.form_key("channel", editing) + "-"  # every field starts from the channel edited, or empty
start = editing or ChannelEntry(kind=ChannelKind.facebook)

c1, c2 = st.columns([1, 2])
kinds = list(ChannelKind)
kind = c1.selectbox("Channel", kinds, key=F + "kind", index=kinds.index(start.kind), format_func=lambda k: k.label)
detail = c2.text_input("Detail", key=F + "detail", value=start.detail, max_chars=200,
                       placeholder="e.g. the campaign's Facebook page, the hub for everything else")
names = list(dict.fromkeys(audience_names(editing, audiences))) if editing else []
if audiences:
    known_names = [a.name for a in audiences]
    held = [n for n in names if n not in known_names]  # one the analysis does not have stays, marked, until removed
    chosen = st.multiselect("Audiences it reaches", known_names + held, key=F + "audiences", default=names,
                            format_func=lambda n: n if n in known_names else f"{n} (not in the audience analysis)")
else:
    chosen = [n.strip() for n in st.text_input(
        "Audiences it reaches (separate with commas)", key=F + "audiences_typed", value=", ".join(names),
        max_chars=600, help="No audience is recorded yet; the names link to the audience analysis once it has them."
    ).split(",") if n.strip()]
hint = evidence_hint(kind, profile)
evidence = st.text_area("Why this channel: evidence that the audience uses it", key=F + "evidence",
                        value=start.evidence, max_chars=5000, height=90,
                        placeholder="e.g. 9 in 10 young women in the baseline use Facebook every day")
if hint:
    st.caption(ui.plain(hint))
c1, c2, c3 = st.columns(3)
timing = c1.text_input("Timing", key=F + "timing", value=start.timing, max_chars=200, placeholder="e.g. March–May 2021")
partner = c2.text_input("Partner", key=F + "partner", value=start.partner, max_chars=200)
languages = c3.text_input("Languages (separate with commas)", key=F + "languages", value=", ".join(start.languages),
                          max_chars=400)
c1, c2 = st.columns(2)
cost_text = c1.text_input(f"Cost ({currency})" if currency else "Cost", key=F + "cost", max_chars=40,
                          value="" if start.cost is None else number(start.cost).replace(",", ""))
reach_text = c2.text_input("Expected reach (people)", key=F + "reach", max_chars=40, placeholder="e.g. 20,000",
                           value="" if start.expected_reach is None else str(start.expected_reach))
notes = st.text_area("Notes", key=F + "notes", value=start.notes, max_chars=5000, height=70)

problems: list[str] = []
try:
    cost = parse_number(cost_text, "Cost")
except ValueError as exc:
    problems.append(str(exc))
    cost = None
try:
    expected_reach = parse_number(reach_text, "Expected reach")
    if expected_reach is not None and not float(expected_reach).is_integer():
        raise ValueError(f"Expected reach: '{reach_text}' is not a whole number of people")
except ValueError as exc:
    problems.append(str(exc))
    expected_reach = None
by_name = {a.name: a for a in audiences}
refs = [ref_to(by_name[n]) if n in by_name else AudienceRef(name=n[:200]) for n in chosen]

c1, c2, c3 = st.columns([1, 1, 2])
if c1.button("Save channel", type="primary"):
    if problems:
        st.error("Channel not saved: " + ui.plain("; ".join(problems)))
    else:
        with ui.saving("Channel"):
            entry = ChannelEntry.model_validate({
                **({"id": editing.id} if editing else {}),
                "kind": kind, "detail": detail, "audiences": refs, "evidence": evidence, "timing": timing,
                "partner": partner, "languages": [x.strip() for x in languages.split(",") if x.strip()],
                "cost": cost, "expected_reach": int(expected_reach) if expected_reach is not None else None,
                "notes": notes,
            })
            save_channel(db, campaign.id, entry)
            ui.flash(f"Channel {choices.index(editing.id)} updated: {ui.plain(entry.label)}." if editing else
                     f"Channel saved: {ui.plain(entry.label)}. The form is empty for the next one.")
            st.session_state.pop(K + "which", None)
            ui.form_saved("channel")
            st.rerun()
elif problems:
    for problem in problems:
        st.error(ui.plain(problem))
c3.button("Stop editing" if editing else "Clear the form", on_click=stop_editing, key=K + "stop",
          help="Leaves the channel as it is stored." if editing else None)
if editing is not None:
    ui.remove_button(editing, lambda: remove_channel(db, campaign.id, editing.id), key=f"remove-{editing.id}",
                     label="Remove", where=c2, after=lambda: st.session_state.pop(K + "which", None))
