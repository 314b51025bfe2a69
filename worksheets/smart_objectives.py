"""SMART objectives: build each objective from its parts, read it as one sentence, see
every check with its reason and a suggestion. A flagged objective can be saved; its
flags stay listed until the objective is fixed."""

from __future__ import annotations

import streamlit as st

from c4d import ui
from c4d.models import FIRST_DATE, LAST_DATE
from c4d.strategy.commands import remove_objective, save_objective
from c4d.strategy.model import (
    COMMON_MEANS,
    AudienceRef,
    Direction,
    KAPElement,
    Measure,
    Objective,
    ref_to,
    resolve,
    shown_name,
)
from c4d.strategy.smart_checks import check, checked
from c4d.strategy.wording import parse_number, result_line, sentence, status
from c4d.strategy.worksheet import default_place, known_audiences, load_objectives
from c4d.text import number, plural

campaign = ui.require_campaign()
db = ui.store()
projector = ui.projector_on()
audiences = known_audiences(db, campaign.id)
try:
    objectives = load_objectives(db, campaign.id).objectives
except ValueError as exc:
    st.error(ui.plain(str(exc)))
    st.stop()
flagged = checked(objectives, audiences=audiences)

st.title("SMART objectives")
if not projector:
    st.caption("Specific, Measurable, Achievable, Relevant, Time-bound: what the audience should know, feel and do, "
               "by when, and how the change will be measured. Each objective is checked as you write it; you can "
               "save one with open checks, and they stay listed here until it is fixed.")
ui.show_flash()

K = "smart-"  # the builder's widget keys


# ---- the objectives so far ------------------------------------------------------------------
def start_editing(objective: Objective) -> None:
    st.session_state[K + "editing"] = objective.id
    option = resolve(objective.audience, audiences)
    st.session_state[K + "audience"] = (option.name if option is not None
                                        else objective.audience.name if objective.audience else None)
    st.session_state[K + "audience_typed"] = objective.audience.name if objective.audience else ""
    st.session_state[K + "element"] = objective.element
    st.session_state[K + "behaviour"] = objective.behaviour
    st.session_state[K + "indicator"] = objective.indicator
    st.session_state[K + "measure"] = objective.measure
    st.session_state[K + "direction"] = objective.direction
    for name in ("baseline_value", "target_value", "result_value"):
        value = getattr(objective, name)
        st.session_state[K + name] = "" if value is None else number(value).replace(",", "")
    st.session_state[K + "baseline_source"] = objective.baseline_source
    st.session_state[K + "place"] = objective.place
    st.session_state[K + "deadline"] = objective.deadline
    st.session_state[K + "verification"] = objective.verification or None
    st.session_state[K + "result_source"] = objective.result_source
    st.session_state[K + "notes"] = objective.notes


def clear_builder() -> None:
    for key in list(st.session_state):
        if isinstance(key, str) and key.startswith(K):
            del st.session_state[key]


if not objectives:
    st.info("No objective yet. Start with the primary audience: what should they know, feel or do differently "
            "by the end of the campaign?")

for n, (objective, flags) in enumerate(flagged, start=1):
    with st.container(border=True):
        verdict = status(objective)
        head = f"**{n}. {ui.plain(objective.element.label)}**"
        if verdict:
            head += f" · result {ui.plain(verdict)}"
        st.markdown(head)
        st.markdown(ui.plain(sentence(objective, shown_name(objective.audience, audiences))))
        if objective.result_value is not None:
            st.caption(ui.plain(result_line(objective)))
        if flags:
            for flag in flags:
                st.warning(f"**{ui.plain(flag.title)}** — {ui.plain(flag.reason)}  \n"
                           f"*Suggestion:* {ui.plain(flag.suggestion)}", icon=":material/flag:")
        elif not projector:
            st.caption("All checks pass.")
        if not projector:
            c1, c2 = st.columns([1, 1])
            c1.button("Edit", key=f"edit-{objective.id}", on_click=start_editing, args=(objective,),
                      icon=":material/edit:")
            with c2.popover("Remove", icon=":material/delete:"):
                st.write("The objective is deleted from the campaign.")
                if st.button("Remove this objective", key=f"remove-{objective.id}"):
                    remove_objective(db, campaign.id, objective.id)
                    if st.session_state.get(K + "editing") == objective.id:
                        clear_builder()
                    ui.flash(f"Objective {n} removed.")
                    st.rerun()

if projector:
    st.stop()

# ---- the builder -------------------------------------------------------------------------------
editing_id = st.session_state.get(K + "editing")
editing = next((o for o in objectives if o.id == editing_id), None)
if editing_id and editing is None:  # removed meanwhile, e.g. on another laptop
    clear_builder()
position = next((i for i, o in enumerate(objectives, start=1) if editing and o.id == editing.id), None)
st.header(f"Edit objective {position}" if editing else "Add an objective", anchor=False)

if K + "place" not in st.session_state:
    st.session_state[K + "place"] = default_place(db, campaign.id)
st.session_state.setdefault(K + "deadline", None)       # empty until chosen
st.session_state.setdefault(K + "verification", None)

by_name = {a.name: a for a in audiences}
if audiences:
    names = list(by_name)
    held = st.session_state.get(K + "audience")
    if held and held not in by_name:  # an objective naming an audience the analysis no longer has
        names.append(held)
    if K + "audience" not in st.session_state:
        primary = next((a for a in audiences if a.role is not None and a.role.value == "primary"), audiences[0])
        st.session_state[K + "audience"] = primary.name
    audience_name = st.selectbox(
        "Audience", names, key=K + "audience",
        format_func=lambda n: by_name[n].label if n in by_name else f"{n} (not in the audience analysis)",
        help="From the audience analysis (or the PPCD's decision on the primary target group).")
else:
    audience_name = st.text_input(
        "Audience", key=K + "audience_typed", max_chars=200, placeholder="e.g. Young women aged 18–27",
        help="No audience is recorded yet: type it here, and add it to the audience analysis later; the objective "
             "links to it by name.")
c1, c2 = st.columns([1, 2])
element = c1.selectbox("KAP element", list(KAPElement), key=K + "element", format_func=lambda e: e.label)
behaviour = c2.text_input("What the audience will know, feel or do (one behaviour)", key=K + "behaviour",
                          max_chars=500, placeholder="e.g. know where to report a suspected trafficking case")
indicator = st.text_input("Indicator: what is counted", key=K + "indicator", max_chars=500,
                          placeholder="e.g. the share of respondents who can name a place to report")
c1, c2 = st.columns(2)
measure = c1.radio("Measured as", list(Measure), key=K + "measure", format_func=lambda m: m.label)
direction = c2.radio("Intended direction", list(Direction), key=K + "direction",
                     format_func=lambda d: d.label, horizontal=True)
c1, c2, c3 = st.columns([1, 2, 1])
baseline_text = c1.text_input("Baseline value", key=K + "baseline_value", max_chars=40,
                              placeholder="e.g. 45", help="In figures: 45, 45%, 20,000. Empty when not known yet.")
baseline_source = c2.text_input("Baseline source", key=K + "baseline_source", max_chars=200,
                                placeholder="e.g. KAP baseline survey, June 2020 (n=500)")
target_text = c3.text_input("Target value", key=K + "target_value", max_chars=40, placeholder="e.g. 60")
c1, c2 = st.columns([2, 1])
place = c1.text_input("Place", key=K + "place", max_chars=200, placeholder="e.g. Ulaanbaatar and Darkhan-Uul")
deadline = c2.date_input("Deadline", key=K + "deadline", min_value=FIRST_DATE,
                         max_value=LAST_DATE, format="YYYY-MM-DD")
means_options = list(COMMON_MEANS)
held_means = st.session_state.get(K + "verification")
if held_means and held_means not in means_options:  # typed by hand earlier: keep it on the list
    means_options.append(held_means)
verification = st.selectbox(
    "Means of verification", means_options, key=K + "verification",
    accept_new_options=True, placeholder="Choose one, or type your own",
    help="How the indicator will be measured. A knowledge or attitude change is measured by asking the audience "
         "(a survey), reach by the channels' own figures, actions by a service's log.")
with st.expander("Result at the endline (when it is in)"):
    c1, c2 = st.columns([1, 2])
    result_text = c1.text_input("Result value", key=K + "result_value", max_chars=40)
    result_source = c2.text_input("Result source", key=K + "result_source", max_chars=200,
                                  placeholder="e.g. endline KAP survey, 2021")
notes = st.text_area("Notes", key=K + "notes", max_chars=5000, height=80)

problems: list[str] = []
values: dict[str, float | None] = {}
for name, label, text in (("baseline_value", "Baseline value", baseline_text),
                          ("target_value", "Target value", target_text),
                          ("result_value", "Result value", result_text)):
    try:
        values[name] = parse_number(text, label)
    except ValueError as exc:
        problems.append(str(exc))
        values[name] = None

chosen = by_name.get(audience_name) if audiences else None
typed_audience = (audience_name or "").strip()
if chosen is not None:
    ref = ref_to(chosen)
elif typed_audience:
    ref = AudienceRef(name=typed_audience[:200])
else:
    ref = None
draft_fields = dict(
    id=editing.id if editing else None, audience=ref, element=element, behaviour=behaviour or "",
    indicator=indicator or "", measure=measure, direction=direction, baseline_source=baseline_source or "",
    place=place or "", deadline=deadline, verification=(verification or "").strip()[:200],
    result_source=result_source or "", notes=notes or "",
    survey_items=editing.survey_items if editing else [], **values,
)
if draft_fields["id"] is None:
    draft_fields.pop("id")
try:
    draft = Objective.model_validate(draft_fields)
except Exception as exc:  # shown below, with the reason in the facilitator's words
    draft = None
    problems += ui.explain(exc)

st.subheader("Your objective as a sentence", anchor=False)
pristine = not any(((behaviour or "").strip(), (indicator or "").strip(), (baseline_text or "").strip(),
                    (target_text or "").strip(), verification))
if draft is not None:
    st.info(ui.plain(sentence(draft)), icon=":material/format_quote:")
    draft_flags = check(draft, audiences=audiences)
    if pristine:
        st.caption("The checks appear here as you fill in the fields.")
    elif draft_flags:
        st.markdown(f"**{plural(len(draft_flags), 'check')} to look at** "
                    "(you can save now and fix them later):")
        for flag in draft_flags:
            st.warning(f"**{ui.plain(flag.title)}** — {ui.plain(flag.reason)}  \n"
                       f"*Suggestion:* {ui.plain(flag.suggestion)}", icon=":material/flag:")
    else:
        st.success("All checks pass.")
for problem in problems:
    st.error(ui.plain(problem))

c1, c2 = st.columns([1, 3])
empty = pristine and not editing  # an empty builder saves nothing
if c1.button("Save objective", type="primary", disabled=draft is None or bool(problems) or empty,
             help="Fill in the behaviour, the indicator, a figure or the means of verification first."
             if empty else None):
    with ui.saving("Objective"):
        save_objective(db, campaign.id, draft)
        flags = check(draft, audiences=audiences)
        note = (f" It has {plural(len(flags), 'open check')}, listed with it until fixed."
                if flags else "")
        ui.flash(("Objective updated." if editing else "Objective saved.") + note)
        clear_builder()
        st.rerun()
c2.button("Cancel editing" if editing else "Clear the form", on_click=clear_builder)
