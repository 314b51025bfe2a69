"""Audiences: primary, secondary and tertiary, each with the approach that fits; the primary
audience straight from the PPCD decision in one click; and the profile of the primary
audience in their own words."""

import pandas as pd
import streamlit as st

from c4d import ui
from c4d.audience.checks import PROFILE_PARTS, audience_findings, profile_findings, profile_parts_done
from c4d.audience.commands import (
    add_audience,
    audience_from_entry,
    remove_audience,
    save_profile,
    update_audience,
)
from c4d.audience.forms import influencers_text, lines, parse_influencers
from c4d.audience.model import USUAL_APPROACH, Approach, AudienceRole, EntryKind, cell_label
from c4d.audience.pictures import influencer_chart
from c4d.audience.reading import decisions_to_adopt, entries_to_offer, load_analysis
from c4d.audience.worksheet import AUDIENCES
from c4d.decisions.model import in_force
from c4d.decisions.worksheet import turnout_label
from worksheets._audience_ui import (
    ROOM_QUOTE, findings, for_room, offer_as_audience, page_top, pick, remove_button, save_changes, saving,
    short,
)

campaign = ui.require_campaign()
db = ui.store()
projector = ui.projector_on()
analysis = load_analysis(db, campaign.id)
profile = analysis.profile
primary = analysis.primary
entries = {e.id: e for e in analysis.framework.entries}
audience_entries = [e for e in analysis.framework.entries if e.kind is EntryKind.audience]
decisions_in_force = list(in_force(db, campaign.id).values())
ROLE_HINT = {
    AudienceRole.primary: "Whose behaviour the campaign wants to change or protect.",
    AudienceRole.secondary: "Those around them who influence them: family, friends, peers, co-workers.",
    AudienceRole.tertiary: "Those who shape the enabling environment: local government, police, media, policy makers.",
}
USUAL = "usual"  # the approach that usually fits the role


def entry_name(entry_id: str) -> str:
    e = entries[entry_id]
    return f"{cell_label(e.side, e.level)} · {short(e.who, 60)}"


def who_line() -> str:
    parts = [profile.sex, profile.age_band and f"aged {profile.age_band}", profile.location and f"in {profile.location}",
             profile.occupation]
    return ", ".join(p for p in parts if p)


page_top(AUDIENCES, campaign,
         "Name the primary, secondary and tertiary audiences with the approach that fits each, then "
         "describe the primary audience as vividly as the evidence allows. Everything is saved as you add "
         "it.")

# ---- projector: the audiences and the persona ----------------------------------------------------
if projector:
    columns = st.columns(3)
    for column, role in zip(columns, AudienceRole):
        with column.container(border=True):
            st.subheader(role.label, anchor=False)
            for a in analysis.by_role(role):
                st.markdown(f"**{ui.plain(a.name)}**  \n{ui.plain(a.approach.label)}")
            if not analysis.by_role(role):
                st.markdown("*" + ui.plain(ROLE_HINT[role]) + "*")
    if any(profile_parts_done(profile).values()):
        st.header("Profile" + (f": {ui.plain(primary.name)}" if primary else ""), anchor=False)
        if who_line():
            st.markdown(f"**{ui.plain(who_line())}**")
        k, f, d = st.columns(3)
        for column, title, text in ((k, "Know", profile.knows), (f, "Feel", profile.feels), (d, "Do", profile.does)):
            with column.container(border=True):
                st.subheader(title, anchor=False)
                st.markdown(for_room(text) if text else "–")
        chart = influencer_chart(profile, big=True)
        if chart is not None:
            st.subheader("Who influences their decisions"
                         + (f" ({profile.influenced_share:g}% say others do)" if profile.influenced_share is not None
                            else ""), anchor=False)
            st.altair_chart(chart, width="stretch")
        for quote in profile.quotes[:3]:
            st.markdown(f"> *{for_room(quote, ROOM_QUOTE)}*")
    findings([f for f in audience_findings(analysis.audiences, analysis.framework, profile, decisions_in_force)
              if f.code == "too_broad"], prompts=False)


def facilitator_tools() -> None:
    """The audiences and the profile, with their forms: not for the projector."""
    tab_audiences, tab_profile = st.tabs(["Primary, secondary, tertiary", "Profile of the primary audience"])

    # ---- primary, secondary, tertiary ---------------------------------------------------------------------
    with tab_audiences:
        for decision in decisions_to_adopt(db, campaign.id):
            role = "primary" if decision.topic.value == "primary_audience" else "secondary"
            with st.container(border=True):
                facts = " · ".join(x for x in (decision.method, turnout_label(decision)) if x)
                st.markdown(f"The PPCD decided the {role} audience: **{ui.plain(decision.choice)}**"
                            + (f"  \n{ui.plain(facts)}" if facts else ""))
                offer_as_audience(decision, campaign)
        findings(audience_findings(analysis.audiences, analysis.framework, profile, decisions_in_force))

        for role in AudienceRole:
            st.subheader(role.label, anchor=False)
            st.caption(ui.plain(f"{ROLE_HINT[role]} Usual approach: {USUAL_APPROACH[role].label.lower()}."))
            members = analysis.by_role(role)
            if not members:
                st.markdown("*None yet.*")
            for a in members:
                facts = [a.approach.label]
                if a.decision_id:
                    facts.append("from the PPCD decision")
                linked = [entry_name(i) for i in a.framework_entry_ids if i in entries]
                if linked:
                    facts.append("framework: " + "; ".join(linked))
                st.markdown(f"**{ui.plain(a.name)}**  \n{ui.plain(' · '.join(facts))}"
                            + (f"  \n{ui.plain(short(a.description, 300))}" if a.description else ""))

        st.subheader("Add an audience", anchor=False)
        add = ui.form_key("aud-add")  # new, empty fields after each audience
        with st.form(add):
            c1, c2 = st.columns(2)
            role = c1.selectbox("Role", list(AudienceRole), format_func=lambda r: r.label, key=f"{add}-role")
            approach = c2.selectbox("Approach", [USUAL, *Approach], key=f"{add}-approach",
                                    format_func=lambda a: "The usual one for the role" if a == USUAL else a.label)
            name = st.text_input("Audience", key=f"{add}-name",
                                 placeholder="e.g. Young women aged 18–27 in Ulaanbaatar and Darkhan-Uul")
            description = st.text_area("Description", key=f"{add}-description", height=68)
            links = st.multiselect("Linked framework entries", [e.id for e in audience_entries], format_func=entry_name,
                                   key=f"{add}-links")
            if st.form_submit_button("Add the audience", type="primary"):
                with saving("Audience"):
                    added = add_audience(db, campaign.id, role=role, name=name,
                                         approach=None if approach == USUAL else approach, description=description,
                                         framework_entry_ids=links)
                    ui.flash(f"{ui.plain(added.role.label)}: {ui.plain(short(added.name))} "
                             f"({ui.plain(added.approach.label.lower())}).")
                    ui.form_saved("aud-add")
                    st.rerun()

        unused = [e.id for e in entries_to_offer(analysis)]
        if unused:
            st.subheader("From the framework", anchor=False)
            st.caption("Framework audiences not yet listed here: make one an audience in one step, linked to its entry.")
            c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
            from_entry = c1.selectbox("Framework entry", unused, format_func=entry_name, key="aud-from-entry")
            from_role = c2.selectbox("As", list(AudienceRole), index=1, format_func=lambda r: r.value,
                                     key="aud-from-role")
            if c3.button("Make it an audience", key="aud-from-add"):
                with saving("Audience"):
                    added = audience_from_entry(db, campaign.id, from_entry, from_role)
                    ui.flash(f"{ui.plain(added.role.label)}: {ui.plain(short(added.name))}.")
                    st.rerun()

        if analysis.audiences:
            st.subheader("Edit or remove an audience", anchor=False)
            chosen = pick("Audience", {a.id: a for a in analysis.audiences}, "aud-edit-pick",
                          lambda a: f"{a.role.value.capitalize()} · {short(a.name)}")
            edit = ui.form_key("aud-edit", chosen)  # the audience as it is stored now
            with st.form(edit):
                st.markdown(f"**Editing: {ui.plain(chosen.role.label)} · {ui.plain(short(chosen.name))}**")
                c1, c2 = st.columns(2)
                new_role = c1.selectbox("Role", list(AudienceRole), index=list(AudienceRole).index(chosen.role),
                                        format_func=lambda r: r.label, key=f"{edit}-role")
                new_approach = c2.selectbox("Approach", list(Approach), index=list(Approach).index(chosen.approach),
                                            format_func=lambda a: a.label, key=f"{edit}-approach")
                new_name = st.text_input("Audience", value=chosen.name, key=f"{edit}-name")
                new_description = st.text_area("Description", value=chosen.description,
                                               key=f"{edit}-description")
                options = [e.id for e in audience_entries] + [i for i in chosen.framework_entry_ids
                                                              if i in entries and entries[i].kind is not EntryKind.audience]
                new_links = st.multiselect("Linked framework entries", options, format_func=entry_name,
                                           default=[i for i in chosen.framework_entry_ids if i in options],
                                           key=f"{edit}-links")
                save_changes("Audience", lambda: update_audience(db, campaign.id, chosen.id, role=new_role,
                                                                 approach=new_approach, name=new_name,
                                                                 description=new_description,
                                                                 framework_entry_ids=new_links),
                             f"Audience saved: {ui.plain(short(new_name))}")
            remove_button(chosen, f"aud-remove-{chosen.id}", lambda: remove_audience(db, campaign.id, chosen.id))

    # ---- the profile of the primary audience --------------------------------------------------------------
    with tab_profile:
        if primary is not None:
            st.subheader(ui.plain(primary.name), anchor=False)
        done = profile_parts_done(profile)
        st.caption(f"{sum(done.values())} of {len(PROFILE_PARTS)} parts filled in. Fill them by hand now, and update "
                   "them from the KAP baseline when its findings arrive. Each part is saved with its own button.")
        findings(profile_findings(profile, primary))

        # Each part's form follows that part as it is stored now (saved here, on another screen or from the KAP).
        pf_who = ui.form_key("profile-who", (profile.age_band, profile.sex, profile.location, profile.occupation,
                                             profile.education))
        with st.form(pf_who):
            st.markdown("**Who they are**")
            c1, c2, c3 = st.columns(3)
            age_band = c1.text_input("Age band", value=profile.age_band, key=f"{pf_who}-age", placeholder="e.g. 18–27")
            sex = c2.text_input("Sex", value=profile.sex, key=f"{pf_who}-sex", placeholder="e.g. Women")
            location = c3.text_input("Location", value=profile.location, key=f"{pf_who}-location",
                                     placeholder="e.g. Ulaanbaatar and Darkhan-Uul")
            occupation = st.text_input("Occupation or situation", value=profile.occupation, key=f"{pf_who}-occupation",
                                       placeholder="e.g. students with seasonal part-time jobs")
            education = st.text_input("Education", value=profile.education, key=f"{pf_who}-education")
            if st.form_submit_button("Save who they are"):
                with saving("Profile"):
                    save_profile(db, campaign.id, age_band=age_band, sex=sex, location=location, occupation=occupation,
                                 education=education)
                    ui.flash("Who they are: saved.")
                    st.rerun()

        pf_kfd = ui.form_key("profile-kfd", (profile.knows, profile.feels, profile.does, profile.evidence))
        with st.form(pf_kfd):
            st.markdown("**What they know, feel and do now**")
            knows = st.text_area("What they know", value=profile.knows, key=f"{pf_kfd}-knows", height=90)
            feels = st.text_area("What they feel", value=profile.feels, key=f"{pf_kfd}-feels", height=90)
            does = st.text_area("What they do", value=profile.does, key=f"{pf_kfd}-does", height=90)
            evidence = st.text_area("Where these facts come from (KAP baseline, focus groups, the room)",
                                    value=profile.evidence, key=f"{pf_kfd}-evidence", height=68)
            if st.form_submit_button("Save know, feel, do"):
                with saving("Profile"):
                    save_profile(db, campaign.id, knows=knows, feels=feels, does=does, evidence=evidence)
                    ui.flash("Know, feel, do: saved.")
                    st.rerun()

        pf_information = ui.form_key("profile-information", (profile.information_sources, profile.platforms))
        with st.form(pf_information):
            st.markdown("**Where they get information**")
            c1, c2 = st.columns(2)
            sources = c1.text_area("Information sources (one a line)", value="\n".join(profile.information_sources), key=f"{pf_information}-sources",
                                   height=120)
            platforms = c2.text_area("Platforms they use (one a line)", value="\n".join(profile.platforms), key=f"{pf_information}-platforms", height=120)
            if st.form_submit_button("Save information and platforms"):
                with saving("Profile"):
                    save_profile(db, campaign.id, information_sources=lines(sources), platforms=lines(platforms))
                    ui.flash("Information and platforms: saved.")
                    st.rerun()

        pf_influence = ui.form_key("profile-influence", (profile.influenced_share, profile.influencers, profile.agency))
        with st.form(pf_influence):
            st.markdown("**Who influences their decisions, and their sense of agency**")
            share = st.number_input("Share who say others influence their decisions (%)", min_value=0.0,
                                    max_value=100.0, value=profile.influenced_share, key=f"{pf_influence}-share", step=1.0, format="%g")
            influencers = st.text_area("Influencers, one a line, with the share when known (e.g. 'Friends and peers 62%')",
                                       value=influencers_text(profile), key=f"{pf_influence}-influencers", height=120)
            agency = st.text_area("Sense of agency: do they feel they decide, and can act?", value=profile.agency, key=f"{pf_influence}-agency",
                                  height=90)
            if st.form_submit_button("Save influence and agency"):
                with saving("Profile"):
                    save_profile(db, campaign.id, influenced_share=share, influencers=parse_influencers(influencers),
                                 agency=agency)
                    ui.flash("Influence and agency: saved.")
                    st.rerun()
        chart = influencer_chart(profile)
        if chart is not None:
            st.altair_chart(chart, width="stretch")

        pf_words = ui.form_key("profile-words", (profile.barriers, profile.motivators, profile.quotes))
        with st.form(pf_words):
            st.markdown("**Barriers, motivators, and their own words**")
            c1, c2 = st.columns(2)
            barriers = c1.text_area("Barriers (one a line)", value="\n".join(profile.barriers), key=f"{pf_words}-barriers", height=140)
            motivators = c2.text_area("Motivators (one a line)", value="\n".join(profile.motivators), key=f"{pf_words}-motivators", height=140)
            quotes = st.text_area("Quotes in their own words (one a line; never a name or a detail that identifies "
                                  "someone)", value="\n".join(profile.quotes), key=f"{pf_words}-quotes", height=120)
            if st.form_submit_button("Save barriers, motivators and quotes"):
                with saving("Profile"):
                    save_profile(db, campaign.id, barriers=lines(barriers), motivators=lines(motivators),
                                 quotes=lines(quotes))
                    ui.flash("Barriers, motivators and quotes: saved.")
                    st.rerun()

        if profile.influencers:
            ui.dataframe(pd.DataFrame([{"Who influences them": i.who,
                                        "Share": f"{i.share:g}%" if i.share is not None else "–"}
                                       for i in profile.influencers]), hide_index=True)


if not projector:
    facilitator_tools()
