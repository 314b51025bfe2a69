"""SMART objectives: build each objective from its parts, read it as one sentence, see
every check with its reason and a suggestion. A flagged objective can be saved; its
flags stay listed until the objective is fixed."""

from __future__ import annotations

import streamlit as st

from c4d import ui
from c4d.models import FIRST_DATE, LAST_DATE
from c4d.removed.model import RemovedKind
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
from c4d.text import DATE_INPUT, number, plural

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
ui.recently_removed(campaign, RemovedKind.objective)

K = "smart-"  # the builder's state; its fields live under ui.form_key("smart", <the objective edited>)


# ---- the objectives so far ------------------------------------------------------------------
def start_editing(objective: Objective) -> None:
    st.session_state[K + "editing"] = objective.id


def stop_editing() -> None:
    """Back to an empty builder for a new objective (also 'Clear the form')."""
    st.session_state.pop(K + "editing", None)
    ui.form_saved("smart")


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
            ui.remove_button(objective, lambda o=objective: remove_objective(db, campaign.id, o.id),
                             key=f"remove-{objective.id}", label="Remove", where=c2,
                             after=lambda o=objective: stop_editing() if st.session_state.get(K + "editing") == o.id
                             else None)

if projector:
    st.stop()

# ---- the builder: a stored objective, or empty for a new one ----------------------------------------
editing_id = st.session_state.get(K + "editing")
editing = next((o for o in objectives if o.id == editing_id), None)
if editing_id and editing is None:  # removed meanwhile, e.g. on another laptop
    stop_editing()
position = next((i for i, o in enumerate(objectives, start=1) if editing and o.id == editing.id), None)
if editing is not None:
    st.header(f"Editing objective {position}: {ui.plain(editing.title)}", anchor=False)
else:
    st.header("Add an objective", anchor=False)
F = ui.form_key("smart", editing) + "-"  # every field starts from the objective edited, or empty
start = editing or Objective(place=default_place(db, campaign.id))


def as_text(value: float | None) -> str:
    return "" if value is None else number(value).replace(",", "")


by_name = {a.name: a for a in audiences}
if audiences:
    names = list(by_name)
    if editing is not None:
        option = resolve(editing.audience, audiences)
        held = option.name if option is not None else editing.audience.name if editing.audience else None
    else:
        held = next((a for a in audiences if a.role is not None and a.role.value == "primary"), audiences[0]).name
    if held and held not in by_name:  # an objective naming an audience the analysis no longer has
        names.append(held)
    audience_name = st.selectbox(
        "Audience", names, key=F + "audience", index=names.index(held) if held else None,
        format_func=lambda n: by_name[n].label if n in by_name else f"{n} (not in the audience analysis)",
        help="From the audience analysis (or the PPCD's decision on the primary target group).")
else:
    audience_name = st.text_input(
        "Audience", key=F + "audience_typed", max_chars=200, placeholder="e.g. Young women aged 18–27",
        value=start.audience.name if start.audience else "",
        help="No audience is recorded yet: type it here, and add it to the audience analysis later; the objective "
             "links to it by name.")
c1, c2 = st.columns([1, 2])
elements = list(KAPElement)
element = c1.selectbox("KAP element", elements, key=F + "element", index=elements.index(start.element),
                       format_func=lambda e: e.label)
behaviour = c2.text_input("What the audience will know, feel or do (one behaviour)", key=F + "behaviour",
                          value=start.behaviour, max_chars=500,
                          placeholder="e.g. know where to report a suspected trafficking case")
indicator = st.text_input("Indicator: what is counted", key=F + "indicator", value=start.indicator, max_chars=500,
                          placeholder="e.g. the share of respondents who can name a place to report")
c1, c2 = st.columns(2)
measures, directions = list(Measure), list(Direction)
measure = c1.radio("Measured as", measures, key=F + "measure", index=measures.index(start.measure),
                   format_func=lambda m: m.label)
direction = c2.radio("Intended direction", directions, key=F + "direction", index=directions.index(start.direction),
                     format_func=lambda d: d.label, horizontal=True)
c1, c2, c3 = st.columns([1, 2, 1])
baseline_text = c1.text_input("Baseline value", key=F + "baseline_value", value=as_text(start.baseline_value),
                              max_chars=40, placeholder="e.g. 45",
                              help="In figures: 45, 45%, 20,000. Empty when not known yet.")
baseline_source = c2.text_input("Baseline source", key=F + "baseline_source", value=start.baseline_source,
                                max_chars=200, placeholder="e.g. KAP baseline survey, June 2020 (n=500)")
target_text = c3.text_input("Target value", key=F + "target_value", value=as_text(start.target_value), max_chars=40,
                            placeholder="e.g. 60")
c1, c2 = st.columns([2, 1])
place = c1.text_input("Place", key=F + "place", value=start.place, max_chars=200,
                      placeholder="e.g. Ulaanbaatar and Darkhan-Uul")
deadline = c2.date_input("Deadline", key=F + "deadline", value=start.deadline, min_value=FIRST_DATE,
                         max_value=LAST_DATE, format=DATE_INPUT)
means_options = list(COMMON_MEANS)
if start.verification and start.verification not in means_options:  # typed by hand earlier: keep it on the list
    means_options.append(start.verification)
verification = st.selectbox(
    "Means of verification", means_options, key=F + "verification",
    index=means_options.index(start.verification) if start.verification else None,
    accept_new_options=True, placeholder="Choose one, or type your own",
    help="How the indicator will be measured. A knowledge or attitude change is measured by asking the audience "
         "(a survey), reach by the channels' own figures, actions by a service's log.")
with st.expander("Result at the endline (when it is in)"):
    c1, c2 = st.columns([1, 2])
    result_text = c1.text_input("Result value", key=F + "result_value", value=as_text(start.result_value),
                                max_chars=40)
    result_source = c2.text_input("Result source", key=F + "result_source", value=start.result_source,
                                  max_chars=200, placeholder="e.g. endline KAP survey, 2021")
notes = st.text_area("Notes", key=F + "notes", value=start.notes, max_chars=5000, height=80)

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
        ui.flash((f"Objective {position} updated." if editing else
                  f"Objective {len(objectives) + 1} saved; the form is empty for the next one.") + note)
        stop_editing()
        st.rerun()
c2.button("Stop editing" if editing else "Clear the form", on_click=stop_editing,
          help="Leaves the objective as it is stored." if editing else None)
