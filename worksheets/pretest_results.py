"""Pre-test results and decisions: verdicts per material against the campaign's threshold,
the criteria chart, versions and alternatives side by side, the split by group and sex,
comments per criterion, coding of the main message, the decision log and the report."""

from datetime import date

import pandas as pd
import streamlit as st

from c4d import ui
from c4d.export.pretest_report import build_pretest_report, report_filename, scores_csv, scores_xlsx
from c4d.pretest import commands
from c4d.pretest.model import CODING_LABELS, SMALL_N, THRESHOLD_MAX, THRESHOLD_MIN, Choice, Verdict, decision_log
from c4d.pretest.pictures import comparison_chart, criteria_chart
from c4d.pretest.results import (
    RESULT_HEADERS,
    breakdown_table,
    comments_by_criterion,
    comparison_rows,
    criterion_name,
    describe_person,
    result_rows,
    session_names,
    verdict_line,
)
from c4d.pretest.scoring import BREAKDOWNS, MaterialResult, compare, result_of
from c4d.removed.model import RemovedKind
from worksheets._pretest_ui import open_pretest_page
from c4d.text import DATE_INPUT, percent, short_date

campaign, db, projector, doc = open_pretest_page(
    "Pre-test results",
    "For each material: the share of favourable answers (4 or 5) on each criterion, its mean and n, and a verdict "
    "against the campaign's threshold — ready, or revise. Then the decision: keep, revise or drop.",
    illustrative_on_projector=True, removes=(RemovedKind.pretest_decision,))

VERDICT_STYLE = {Verdict.ready: ("✓", "#0b5cad"), Verdict.revise: ("✗", "#c2410c"), Verdict.no_data: ("–", "#555")}

sessions = db.sessions(campaign.id)
names = session_names(db, campaign.id, doc)
tested = doc.tested()

# ---- the rule -----------------------------------------------------------------------------------------
if not projector:
    def save_threshold() -> None:
        with ui.saving("Threshold"):
            commands.set_rules(db, campaign.id, threshold=int(st.session_state["pretest-threshold"]))
            ui.flash(f"Threshold set to {int(st.session_state['pretest-threshold'])}% for this campaign.")

    st.session_state["pretest-threshold"] = doc.threshold
    st.number_input(f"Threshold: share of favourable answers (4 or 5) a criterion needs to be ready, in % "
                    f"({THRESHOLD_MIN}–{THRESHOLD_MAX})", min_value=THRESHOLD_MIN, max_value=THRESHOLD_MAX, step=5,
                    key="pretest-threshold", on_change=save_threshold)

if not tested:
    st.info("No material has been scored yet. Scores come from phones or paper forms on the 'Pre-test scoring' page.")
    st.page_link("worksheets/pretest.py", label="Go to pre-test scoring", icon=":material/fact_check:")
    st.stop()

# ---- scope --------------------------------------------------------------------------------------------
groups = [g.session_id for g in doc.groups if any(r.session_id == g.session_id for r in doc.responses)]
scope_options = [None] + groups
scope = st.radio("Answers from", scope_options, horizontal=True, key="pretest-scope",
                 format_func=lambda sid: "All groups" if sid is None else names.get(sid, "A removed session"))


_results: dict[str, MaterialResult] = {}


def results_for(material) -> MaterialResult:
    if material.id not in _results:
        _results[material.id] = result_of(doc, material, session_id=scope)
    return _results[material.id]


# ---- verdicts at a glance -------------------------------------------------------------------------------
st.subheader("Verdicts", anchor=False)
shown = [m for m in tested if results_for(m).answers]
if projector:
    st.markdown("<style>.st-key-verdicts p{font-size:2rem !important;line-height:1.25}"
                ".st-key-verdicts strong{font-size:2.3rem}</style>", unsafe_allow_html=True)
    with st.container(key="verdicts"):
        columns = st.columns(min(3, max(len(shown), 1)))
        for i, material in enumerate(shown):
            result = results_for(material)
            mark, colour = VERDICT_STYLE[result.verdict]
            with columns[i % len(columns)].container(border=True):
                st.markdown(f"**{ui.plain(material.name)}**")
                st.markdown(f'<p style="color:{colour};font-weight:800;font-size:3rem;margin:0">{mark} '
                            f"{result.verdict.label}</p>", unsafe_allow_html=True)
                weakest = result.weakest
                if weakest is not None:
                    st.markdown(ui.plain(f"Lowest: {weakest.criterion.label} {percent(weakest.share)} "
                                         f"· n = {result.answers}"
                                         + (" · few answers" if result.small else "")))
else:
    ui.dataframe(pd.DataFrame([{
        "Material": m.name, "Type": m.type.label, "Answers": results_for(m).answers,
        "Verdict": results_for(m).verdict.label,
        "Lowest criterion": (f"{results_for(m).weakest.criterion.label} {percent(results_for(m).weakest.share)}"
                             if results_for(m).weakest else "–"),
        "Decision": (doc.latest_decision(m.id).decision.label if doc.latest_decision(m.id) else "–"),
    } for m in shown]), hide_index=True, width="stretch")

if not shown:
    st.info("No answers from this group.")
    st.stop()

# ---- one material ------------------------------------------------------------------------------------------
ids = [m.id for m in shown]
if st.session_state.get("pretest-result-material") not in ids:
    st.session_state["pretest-result-material"] = ids[0]
if (following := st.session_state.pop("pretest-result-next", None)) in ids:  # after a decision: the next one
    st.session_state["pretest-result-material"] = following
material_id = st.selectbox("Material", ids, key="pretest-result-material",
                           format_func=lambda mid: doc.material(mid).name)
material = doc.material(material_id)
result = results_for(material)
st.header(ui.plain(material.name), anchor=False)
if material.text.strip():
    st.caption(ui.plain(material.text))
st.markdown(f"**{ui.plain(verdict_line(result))}**")
st.altair_chart(criteria_chart(result, big=projector), width="stretch")
ui.dataframe(pd.DataFrame(result_rows(result), columns=RESULT_HEADERS), hide_index=True, width="stretch")
if result.small:
    st.warning(f"Only {result.answers} answers: one person moves a share by about {100 / result.answers:.0f} "
               f"points. Read these figures as indications.")

if projector:
    st.stop()

with st.expander("By group, sex, age band and role", icon=":material/groups:"):
    by = st.radio("Split by", list(BREAKDOWNS), horizontal=True, format_func=BREAKDOWNS.get, key="pretest-split")
    table = breakdown_table(doc, material.id, by, names)
    if table is None:
        st.caption("Everyone who answered is in one group here, so there is nothing to split.")
    else:
        headers, rows, small = table
        ui.dataframe(pd.DataFrame(rows, columns=headers), hide_index=True, width="stretch")
        st.caption("Each cell: share favourable (favourable answers / answers). 'Not recorded' gathers the answers "
                   "whose sex, age band or role is not known.")
        if small:
            st.warning(f"Careful: small groups (fewer than {SMALL_N}) — " + ui.plain(", ".join(small))
                       + ". They are shown so nothing is hidden; one person changes their shares a lot.")

comments = comments_by_criterion(doc, material.id, names, scope)
with st.expander(f"Comments by criterion ({sum(len(v) for v in comments.values())})", icon=":material/forum:"):
    if not comments:
        st.caption("No comments recorded.")
    for key, remarks in comments.items():
        st.markdown(f"**{ui.plain(criterion_name(key))}**")
        st.markdown("\n".join(f"- “{ui.plain(r.text)}” — {ui.plain(r.who)}"
                              + (f" · scored {r.score}" if r.score is not None else "") for r in remarks))

answers = [r for r in doc.responses_to(material.id, scope) if r.own_words]
people = {r.id: r for r in doc.respondents}
with st.expander(f"The main message in their own words ({len(answers)}) — code them", icon=":material/spellcheck:"):
    if material.main_message:
        st.markdown(f"**It should get across:** {ui.plain(material.main_message)}")
    if not answers:
        st.caption("No answer in their own words yet.")
    else:
        base = [{"id": r.id, "Who": describe_person(people.get(r.respondent_id), names.get(r.session_id, "")),
                 "Their words": r.own_words, "Coded": r.coding.label if r.coding else None} for r in answers]
        coded = ui.editable_table(f"coding-{material.id}-{scope}", base, ["id", "Who", "Their words", "Coded"],
                                  column_order=["Who", "Their words", "Coded"], disabled=["Who", "Their words"],
                                  column_config={"Coded": st.column_config.SelectboxColumn(
                                      options=list(CODING_LABELS.values()))})
        if st.button("Save the coding", key=f"save-coding-{material.id}", type="primary"):
            by_label = {label: code for code, label in CODING_LABELS.items()}
            codes = {row["id"]: by_label.get(row["Coded"]) for row in coded.to_dict("records")}
            with ui.saving("Coding"):
                changed = commands.code_answers(db, campaign.id, codes)
                ui.flash(f"Coding saved ({changed} changed).")
                st.rerun()

# ---- side by side -----------------------------------------------------------------------------------------
st.subheader("Side by side", anchor=False)
family = [m for m in doc.family(material.family_id) if results_for(m).answers]
alternatives = {purpose: [m for m in group if results_for(m).answers] for purpose, group in doc.alternatives().items()}
presets: dict[str, list[str]] = {}
if len(family) > 1:
    presets[f"Versions of {material.title}"] = [m.id for m in family]
for purpose, group in alternatives.items():
    if len(group) > 1:
        presets[f"Alternatives for: {purpose}"] = [m.id for m in group]
for purpose, group in doc.alternatives().items():  # earlier versions of alternatives are alternatives too
    everything = [v.id for m in group for v in doc.family(m.family_id) if results_for(v).answers]
    if len(everything) > 2 and f"Alternatives for: {purpose}" in presets:
        presets[f"Every version for: {purpose}"] = everything
preset = st.selectbox("Compare", list(presets) + ["Materials I choose"], key="pretest-compare-preset")
if preset in presets:
    chosen = presets[preset]
else:
    chosen = st.multiselect("Materials to compare", ids, default=ids[:2],
                            format_func=lambda mid: doc.material(mid).name, key="pretest-compare-pick")
if len(chosen) >= 2:
    comparison = compare(doc, chosen, session_id=scope)
    st.altair_chart(comparison_chart(comparison, doc.threshold), width="stretch")
    headers, rows = comparison_rows(comparison)
    ui.dataframe(pd.DataFrame(rows, columns=headers), hide_index=True, width="stretch")
    for note in comparison.notes():
        st.caption(ui.plain(note))
else:
    st.caption("Choose at least two materials.")

# ---- decisions ---------------------------------------------------------------------------------------------------
st.subheader("Decision log", anchor=False)
log = decision_log(doc)
if log:
    ui.dataframe(pd.DataFrame([{
        "Date": short_date(d.date), "Material": d.material, "Decision": d.decision.label, "Reason": d.reason,
        "Discussed in": names.get(d.session_id or "", "–"),
    } for d in log]), hide_index=True, width="stretch")
else:
    st.caption("No decision recorded yet.")

decision_form = f"decision-{material.id}"
with st.form(ui.form_key(decision_form)):
    st.markdown(f"**Decision on {ui.plain(material.name)}** — verdict: {result.verdict.label}")
    choices = list(Choice)
    suggested = Choice.keep if result.verdict is Verdict.ready else Choice.revise
    decision = st.radio("Decision", choices, index=choices.index(suggested), horizontal=True,
                        format_func=lambda c: c.label)
    reason = st.text_area("Reason (what the groups said)", max_chars=5000,
                          placeholder="e.g. Confusing in both groups: most could not say what it asks people to do")
    c1, c2 = st.columns(2)
    when = c1.date_input("Date", value=date.today(), format=DATE_INPUT)
    where_options = [None] + [s.id for s in sessions]
    where = c2.selectbox("Discussed in (its workshop report shows the results)", where_options,
                         format_func=lambda sid: "–" if sid is None else names.get(sid, sid))
    if st.form_submit_button("Record the decision", type="primary"):
        with ui.saving("Decision"):
            entry = commands.record_decision(db, campaign.id, material.id, decision, reason, when, where)
            at = ids.index(material.id)
            following = next((mid for mid in ids[at + 1:] + ids[:at] if doc.latest_decision(mid) is None), None)
            ui.form_saved(decision_form)
            st.session_state["pretest-result-next"] = following
            ui.flash(f"Recorded: {ui.plain(entry.material)} — {entry.decision.label}."
                     + (" Register the revised draft as a new version on 'Draft materials'."
                        if entry.decision is Choice.revise else "")
                     + (f" Next without a decision: {ui.plain(doc.material(following).name)}." if following
                        else " Every material shown here has a decision."))
            st.rerun()

if log:
    with st.popover("Remove a decision", icon=":material/delete:"):
        doomed = st.selectbox("Decision", [d.id for d in log], key="pretest-doomed",
                              format_func=lambda did: next(f"{short_date(d.date)} · {d.material} · "
                                                           f"{d.decision.label}" for d in log if d.id == did))
        doomed_entry = next(d for d in log if d.id == doomed)
        ui.confirm_removal(doomed_entry, lambda: commands.delete_decision(db, campaign.id, doomed),
                           key="pretest-remove-decision")

# ---- exports ------------------------------------------------------------------------------------------------------
st.subheader("Reports and data", anchor=False)
e1, e2, e3 = st.columns(3)
e1.download_button("Pre-test report (.docx)", data=lambda: build_pretest_report(db, campaign.id),
                   file_name=report_filename(campaign),
                   mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   type="primary", icon=":material/description:")
e2.download_button("Scores and results (Excel)", data=lambda: scores_xlsx(db, campaign),
                   file_name=report_filename(campaign, "pretest-scores", "xlsx"),
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
e3.download_button("Scores (CSV)", data=lambda: scores_csv(db, campaign),
                   file_name=report_filename(campaign, "pretest-scores", "csv"), mime="text/csv")
st.caption("The results also appear in the workshop report of each pre-test session and of the session where "
           "they were discussed, and in the creative brief's revision history.")
