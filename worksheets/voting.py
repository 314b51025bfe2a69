"""PPCD voting: ballots for the session's key decisions, from phones or by show of hands."""

from datetime import date

import pandas as pd
import streamlit as st

from c4d import lan, ui
from c4d.export.results import export_filename, results_csv, results_xlsx, votes_csv
from c4d.models import DecisionTopic
from c4d.phones.model import Showing
from c4d.voting import commands
from c4d.voting.cards import cards_sheet_html
from c4d.voting.counting import describe_result
from c4d.voting.model import (
    Ballot,
    BallotOption,
    BallotStatus,
    Criterion,
    VotingError,
    VotingMethod,
    readiness_problems,
)
from c4d.voting.pictures import result_chart
from c4d.voting.results import (
    SMALL_GROUP,
    adopted_ids,
    choice_against_result,
    disaggregation_table,
    eligible,
    eligible_for,
    proposed_choice,
    result_table,
    rounds_table,
    standing,
    tally,
    value_title,
)
from c4d.voting.templates import TEMPLATES
from c4d.voting.worksheet import is_showing, projector_may_show_results

campaign = ui.require_campaign()
db = ui.store()
projector = ui.projector_on()

st.title("PPCD voting")
st.caption("The room votes on the PPCD's key decisions from their phones (or by show of hands). "
           "Prepare a ballot, open it on the phones, close it, reveal the result and adopt it as the "
           "campaign's decision.")
ui.show_flash()

session = ui.choose_session(
    campaign, missing="Add the PPCD workshop on the 'Workshop sessions' page first: ballots belong to a session.")
state = db.live_state(session.id)
participants = db.participants(session.id)
ballots = db.ballots(session.id)
numbers = {b.id: n for n, b in enumerate(ballots, start=1)}
today = eligible(session, participants, date.today())

# ---- what the phones show now ----------------------------------------------------------
showing_ballot = next((b for b in ballots if is_showing(state, b)), None)
if state.showing is Showing.ballot and showing_ballot is not None:
    now = f"the ballot '{showing_ballot.question}'"
elif state.showing is Showing.ideas:
    now = "the idea board"
else:
    now = "a 'please wait' page"
address = lan.lan_address(db)
join = lan.join_url(address, state.join_code, st.get_option("server.port"))
st.markdown(f"Phones now show **{ui.plain(now)}**. Join code **{ui.plain(state.join_code)}** · "
            f"{ui.plain(join)}")
st.page_link("worksheets/live_screen.py", label="Open the live screen for the projector", icon=":material/cast:")


# ---- the ballots of this session ---------------------------------------------------------
def ballot_label(ballot: Ballot) -> str:
    return f"{numbers[ballot.id]}. {ballot.question} ({ballot.status.label.lower()})"


if ballots:
    st.dataframe(
        pd.DataFrame([{"#": numbers[b.id], "Question": b.question, "Method": b.method.label,
                       "Status": b.status.label, "On phones": "yes" if is_showing(state, b) else "",
                       "Votes": db.vote_count(b.id)} for b in ballots]),
        hide_index=True, width="stretch",
    )

if not projector:
    with st.expander("New ballot", expanded=not ballots, icon=":material/add:"):
        starts = [*TEMPLATES, "blank"]
        start = st.radio("Start from", starts, horizontal=True, key="new-start",
                         format_func=lambda k: "A blank ballot" if k == "blank" else TEMPLATES[k].title)
        if start != "blank":
            template = TEMPLATES[start]
            st.caption(ui.plain(f"“{template.question}” — {len(template.options)} example options. {template.hint}"))
            question, option_lines = template.question, ""
            default_method = template.method
        else:
            question = st.text_input("Question", max_chars=200, key="new-question",
                                     placeholder="e.g. Which secondary audience matters most?")
            option_lines = st.text_area("Options, one per line", key="new-options", height=140)
            default_method = VotingMethod.single
        methods = list(VotingMethod)
        method = st.radio("Counting method", methods, index=methods.index(default_method),
                          format_func=lambda m: m.label, captions=[m.explanation for m in methods],
                          key=f"new-method-{start}")
        if st.button("Create ballot", type="primary", key="create-ballot"):
            with ui.saving("Ballot"):
                ballot = commands.create_ballot(db, campaign.id, session.id, method,
                                                template=None if start == "blank" else start,
                                                question=question, options=option_lines.splitlines())
                st.session_state["voting_ballot"] = st.session_state["voting_ballot_pending"] = ballot.id
                ui.flash(f"Ballot '{ui.plain(ballot.question)}' created. "
                         "Check the options, then open it on the phones.")
                st.rerun()

if not ballots:
    st.stop()

# ---- one ballot ---------------------------------------------------------------------------
wanted = st.session_state.get("voting_ballot")
default = wanted if wanted in numbers else (showing_ballot.id if showing_ballot else ballots[-1].id)
picker = f"voting-ballot-{session.id}"
chosen = st.session_state.get(picker)
if st.session_state.pop("voting_ballot_pending", None) in numbers or chosen not in numbers:
    chosen = default  # a ballot just created (or a runoff), or none chosen yet
# Set anew on every run: each label carries its ballot's status, and the box shows a label that
# changed (after Close voting, Reopen, ...) only when its value is set again.
st.session_state[picker] = chosen
ballot_id = st.selectbox("Ballot", list(numbers), key=picker,
                         format_func=lambda bid: ballot_label(next(b for b in ballots if b.id == bid)))
st.session_state["voting_ballot"] = ballot_id
ballot = next(b for b in ballots if b.id == ballot_id)
counted = tally(db, ballot)
result = counted.result
could = eligible_for(session, participants, ballot, date.today())


def done(message: str) -> None:
    ui.flash(message)
    st.rerun()


st.header(ui.plain(ballot.question), anchor=False)
st.caption(ui.plain(f"{ballot.method.label}: {ballot.method.explanation} · {ballot.instructions()}"))
status_line = ballot.status.label + (" · on the phones now" if is_showing(state, ballot) else "")
if ballot.results_revealed:
    status_line += " · results revealed"
if ballot.runoff_of in numbers:
    status_line += f" · runoff after ballot {numbers[ballot.runoff_of]}"
st.markdown(f"**{ui.plain(status_line)}**")

# Turnout: always in view.
c1, c2 = st.columns(2)
c1.metric("Ballots cast", counted.turnout if counted.turnout is not None else counted.cast)
c2.metric(f"People {could.label}", could.count)
if not participants:
    st.caption("Register the participants to compare turnout with the people present.")

# ---- lifecycle ------------------------------------------------------------------------------
if not projector:
    problems = readiness_problems(ballot) if ballot.status is BallotStatus.draft else []
    if problems:
        st.warning("Before opening: " + ui.plain("; ".join(problems)) + ".")
    cols = st.columns(4)
    with ui.saving("Ballot"):
        if ballot.status is BallotStatus.draft:
            if cols[0].button("Open on phones", type="primary", disabled=bool(problems), key="open"):
                _, closed = commands.open_on_phones(db, ballot.id)
                ui.flash("Voting is open: the phones show this ballot."
                         + "".join(f" '{ui.plain(b.question)}' was closed first." for b in closed))
                st.rerun()
        elif ballot.status is BallotStatus.open:
            if cols[0].button("Close voting", type="primary", key="close"):
                commands.close_voting(db, ballot.id)
                done("Voting closed. Reveal the results when the room is ready.")
            if not is_showing(state, ballot) and cols[1].button("Show on phones again", key="show-again"):
                commands.show_ballot(db, ballot)
                ui.flash("The phones show this ballot again.")
                st.rerun()
        else:
            if cols[0].button("Reopen", key="reopen"):
                reopened = commands.reopen_on_phones(db, ballot.id)
                ui.flash("Voting is open again on the phones; the votes already cast are kept. Phones show no result "
                         "until you reveal it again; the projector "
                         + ("shows only how many have voted." if reopened.hide_live_results else
                            "shows the live results as votes arrive (hide them with the switch below)."))
                st.rerun()
        if ballot.status is not BallotStatus.draft:
            if not ballot.results_revealed:
                if cols[2].button("Reveal results", key="reveal"):
                    commands.reveal(db, ballot.id)
                    done("Results revealed on the phones and the projector.")
            elif cols[2].button("Hide results", key="hide"):
                commands.hide_again(db, ballot.id)
                done("Results hidden again.")
        if is_showing(state, ballot) and cols[3].button("Take off the phones", key="take-off",
                                                        help="The phones show a 'please wait' page instead of "
                                                             "this ballot."):
            commands.show_nothing(db, session.id)
            ui.flash("The phones show a 'please wait' page.")
            st.rerun()

    def toggle_live_results(key: str) -> None:
        hidden = bool(st.session_state[key])
        with ui.saving("Ballot"):
            commands.set_hide_live_results(db, ballot.id, hidden)
            ui.flash("Live results hidden on the projector." if hidden else "Live results shown on the projector.")

    live_key = f"hide-live-{ballot.id}"
    st.session_state[live_key] = ballot.hide_live_results  # always what is saved (another tab may change it)
    st.toggle("Hide live results on the projector while voting", key=live_key, on_change=toggle_live_results,
              args=(live_key,), help="Avoids groupthink: the projector shows only how many have voted until you "
                                     "reveal the results.")

# ---- results ----------------------------------------------------------------------------------
st.subheader("Result", anchor=False)
if counted.problem:
    st.error(ui.plain(counted.problem))
elif result is None:
    st.caption("No votes yet." if ballot.status is not BallotStatus.draft else
               "No votes: open the ballot on the phones, or record a show of hands below.")
elif projector and not projector_may_show_results(ballot):
    st.markdown("Results are hidden until the facilitator reveals them.")
else:
    st.markdown(f"**{ui.plain(describe_result(result))}**")
    if result.tie and ballot.status is BallotStatus.open:
        st.caption("Tied for now; voting is still open.")
    st.altair_chart(result_chart(ballot, result, big=projector), width="stretch")
    headers, rows = result_table(ballot, result)
    st.dataframe(pd.DataFrame(rows, columns=headers), hide_index=True, width="stretch")
    if rounds := rounds_table(result):
        with st.expander("Rounds of counting (instant runoff)"):
            st.dataframe(pd.DataFrame(rounds[1], columns=rounds[0]), hide_index=True, width="stretch")
            for rnd in result.rounds:
                if rnd.tie_break:
                    st.caption(ui.plain(f"Round {rnd.number}: {rnd.tie_break}"))
    for note in result.notes:
        st.caption(ui.plain(note))
    if result.tie and ballot.status is not BallotStatus.open and not projector:
        st.warning(f"Tie between {ui.plain(' and '.join(result.tied_labels))}.")
        if st.button("Create a runoff among the tied options", key="runoff"):
            with ui.saving("Runoff"):
                runoff = commands.create_runoff(db, ballot.id)
                st.session_state["voting_ballot"] = st.session_state["voting_ballot_pending"] = runoff.id
                ui.flash("Runoff ballot created as a draft: open it on the phones when the room is ready.")
                st.rerun()

if projector:
    st.stop()

# ---- adopt as a campaign decision --------------------------------------------------------------
adopted = adopted_ids(db, campaign.id).get(ballot.id, [])
decisions = {d.id: d for d in db.decisions(campaign.id)}
if result is not None and result.winner_ids and ballot.status is not BallotStatus.open:
    with st.container(border=True):
        st.markdown("**Adopt as campaign decision**")
        for decision_id in adopted:
            d = decisions[decision_id]
            st.success(f"Adopted: {ui.plain(d.topic.label)} — {ui.plain(d.choice)}")
        topics = list(DecisionTopic)
        topic = st.selectbox("Decision on", topics, index=topics.index(ballot.topic or DecisionTopic.other),
                             format_func=lambda t: t.label, key=f"adopt-topic-{ballot.id}")
        labels = {o.id: o.label for o in ballot.options}
        choice_key, counted_key = f"adopt-choice-{ballot.id}", f"adopt-counted-{ballot.id}"
        if st.session_state.get(counted_key) != standing(result) or choice_key not in st.session_state:
            # The pick follows the result: whenever the count changes, its leader is proposed anew.
            st.session_state[choice_key] = proposed_choice(result)
            st.session_state[counted_key] = standing(result)
        picked = st.multiselect(
            "Option(s) the group decided on", list(labels), format_func=labels.__getitem__, key=choice_key,
            help="The leading option is chosen for you; with a tie, pick the option the room settled on "
                 "(or hold a runoff). You can also pick several, e.g. the top two areas.")
        if departs := choice_against_result(result, picked):
            st.warning(ui.plain(departs))
        rationale = st.text_area("Why (optional: the room's reasons)", max_chars=5000, key=f"adopt-why-{ballot.id}")
        if st.button("Adopt as campaign decision", type="primary", key="adopt"):
            with ui.saving("Decision"):
                if not picked:
                    raise ValueError("pick the option(s) the group decided on")
                decision = commands.adopt(db, ballot, result, picked, rationale=rationale,
                                 eligible_count=could.count or None, topic=topic)
                ui.flash(f"Decision recorded: {ui.plain(decision.topic.label)} — {ui.plain(decision.choice)}."
                         + (f" The count put {ui.plain(' and '.join(result.winner_labels))} first; the decision "
                            f"shows the full count." if departs else ""))
                st.rerun()

# ---- show of hands ------------------------------------------------------------------------------
with st.expander("Show of hands (when phones are not an option)", icon=":material/back_hand:"):
    st.caption("Count the hands (or the stickers, for dot voting) for each option and type the numbers. "
               "The result will say it was a show of hands."
               + (" For a ranking or scoring ballot, count hands for each person's favourite only."
                  if ballot.method.is_ranking or ballot.method is VotingMethod.matrix else ""))
    hands = counted.hands
    with st.form(f"hands-{ballot.id}"):
        typed = {o.id: st.number_input(ui.widget_label(o.label), min_value=0, max_value=100_000, step=1,
                                       value=(hands.counts.get(o.id, 0) if hands else 0), key=f"hand-{o.id}")
                 for o in ballot.options}
        people = st.number_input("People who took part", min_value=0, max_value=100_000, step=1,
                                 value=(hands.people if hands and hands.people is not None else None),
                                 help="Needed for multiple choice; for dots, the number of people with dots.")
        note = st.text_input("Note (optional)", max_chars=500, value=hands.note if hands else "")
        if st.form_submit_button("Save the show of hands", type="primary"):
            with ui.saving("Show of hands"):
                commands.record_hand_count(db, ballot.id, typed, people=None if people is None else int(people),
                                           note=note)
                ui.flash("Show of hands recorded.")
                st.rerun()
    if hands is not None and st.button("Remove the show of hands", key="remove-hands"):
        commands.remove_hand_count(db, ballot.id)
        ui.flash("Show of hands removed.")
        st.rerun()

# ---- by sex and type of organisation -----------------------------------------------------------
breakdown = disaggregation_table(ballot, counted.votes, participants)
if breakdown is not None:
    with st.expander("Results by sex and type of organisation"):
        st.caption("Only votes cast with a voter card are linked to the register; the others are 'Not identified'. "
                   "Each column is counted on its own, with its number of voters (n)"
                   + (f"; figures are {value_title(ballot, result).lower()}." if result else "."))
        st.dataframe(pd.DataFrame(breakdown.rows, columns=breakdown.headers), hide_index=True, width="stretch")
        if breakdown.small_groups:
            st.warning(f"Careful: groups of fewer than {SMALL_GROUP} people can reveal how someone voted — "
                       + ui.plain(", ".join(breakdown.small_groups)) + ". Do not show them on the projector.")

# ---- edit ------------------------------------------------------------------------------------
with st.expander("Edit the ballot", expanded=ballot.status is BallotStatus.draft and bool(readiness_problems(ballot)),
                 icon=":material/edit:"):
    draft = ballot.status is BallotStatus.draft
    if not draft:
        st.caption("Voting has started: only the wording can change, so every vote keeps its meaning.")
    with st.form(f"edit-{ballot.id}"):
        question = st.text_input("Question", value=ballot.question, max_chars=200)
        methods = list(VotingMethod)
        method = st.radio("Counting method", methods, index=methods.index(ballot.method), disabled=not draft,
                          format_func=lambda m: m.label, captions=[m.explanation for m in methods])
        options = st.data_editor(
            pd.DataFrame({"id": [o.id for o in ballot.options], "Option": [o.label for o in ballot.options]}),
            column_order=["Option"], num_rows="dynamic" if draft else "fixed", hide_index=True, width="stretch",
            column_config={"Option": st.column_config.TextColumn(max_chars=200, required=True)},
            key=f"edit-options-{ballot.id}")
        criteria = None
        if ballot.method is VotingMethod.matrix or (draft and method is VotingMethod.matrix):
            st.caption("Criteria for the scoring matrix, each with a weight (1 = normal, 2 = counts double).")
            criteria = st.data_editor(
                pd.DataFrame({"id": [c.id for c in ballot.criteria], "Criterion": [c.label for c in ballot.criteria],
                              "Weight": [c.weight for c in ballot.criteria]}),
                column_order=["Criterion", "Weight"], num_rows="dynamic" if draft else "fixed", hide_index=True,
                width="stretch", disabled=[] if draft else ["Weight"],
                column_config={"Criterion": st.column_config.TextColumn(max_chars=200, required=True),
                               "Weight": st.column_config.NumberColumn(min_value=0.1, max_value=100, default=1.0)},
                key=f"edit-criteria-{ballot.id}")
        c1, c2, c3 = st.columns(3)
        max_choices = c1.number_input("Choices per person (multiple choice)", min_value=1, max_value=30, step=1,
                                      value=ballot.max_choices or 2, disabled=not draft)
        dots = c2.number_input("Dots per person (dot voting)", min_value=1, max_value=100, step=1,
                               value=ballot.dots or 3, disabled=not draft)
        stacking = c3.checkbox("Several dots on one option", value=ballot.allow_stacking, disabled=not draft)
        if st.form_submit_button("Save ballot", type="primary"):
            with ui.saving("Ballot"):
                def rows(frame, label_column):
                    for record in frame.to_dict("records"):
                        label = str(record.get(label_column) or "").strip()
                        if label and label not in ("None", "nan"):
                            yield record, label

                def known_id(record) -> dict:
                    value = record.get("id")
                    return {"id": value} if isinstance(value, str) and value else {}

                changes: dict = {
                    "question": question,
                    "options": [BallotOption(label=label, **known_id(r)) for r, label in rows(options, "Option")],
                }
                if criteria is not None:
                    changes["criteria"] = [Criterion(label=label, weight=float(r.get("Weight") or 1.0), **known_id(r))
                                           for r, label in rows(criteria, "Criterion")]
                if draft:
                    changes |= {"method": method, "allow_stacking": stacking,
                                "max_choices": int(max_choices) if method is VotingMethod.multiple else ballot.max_choices,
                                "dots": int(dots) if method is VotingMethod.dots else ballot.dots}
                commands.change_ballot(db, ballot.id, **changes)
                done("Ballot saved.")
    with st.popover("Delete this ballot", icon=":material/delete:"):
        st.write(f"The ballot and its {counted.cast} vote(s) are deleted for good. Decisions already adopted stay.")
        if st.button("Delete", key=f"delete-{ballot.id}"):
            with ui.saving("Ballot"):
                commands.delete_ballot(db, ballot.id)
                st.session_state.pop("voting_ballot", None)
                ui.flash("Ballot deleted.")
                st.rerun()

# ---- voter cards -------------------------------------------------------------------------------
with st.expander("Voter cards (formal votes, and results by sex and organisation)", icon=":material/badge:"):
    cards = db.cards(session.id)
    st.write("A voter card carries a code that a participant types on their phone. It links the vote to their "
             "register entry, so results can be split by sex and type of organisation, and it allows one vote per "
             "card. The printed sheet shows a name only when the person agreed to be listed.")
    with_card = {c.participant_id for c in cards if c.participant_id}
    missing = [p for p in participants if p.id not in with_card]
    st.caption(f"{len(cards)} card(s) for this session; {len(missing)} registered participant(s) without a card.")
    spares = st.number_input("Spare cards (not tied to anyone, for late arrivals)", min_value=0, max_value=100,
                             step=1, value=0)
    if st.button("Make voter cards", disabled=not missing and not spares, key="make-cards"):
        made = commands.make_cards(db, session, participants, spares=int(spares))
        ui.flash(f"{len(made)} voter card(s) made.")
        st.rerun()
    if cards:
        st.download_button("Printable card sheet (HTML, print on A4)",
                           data=lambda: cards_sheet_html(campaign, session, db.cards(session.id), participants, join),
                           file_name=export_filename(campaign, session, "voter-cards", "html"), mime="text/html",
                           icon=":material/print:")

    def toggle_cards(key: str) -> None:
        required = bool(st.session_state[key])
        try:
            commands.set_cards_required(db, session.id, required)
        except VotingError as refused:
            st.session_state[key] = not required
            st.session_state["cards-refused"] = str(refused)
            return
        ui.flash("Only voter cards can vote now." if required else "Any phone can vote again (one vote per phone).")

    cards_key = f"cards-required-{session.id}"
    st.session_state[cards_key] = state.cards_required
    st.toggle("Cards required for this vote", key=cards_key, on_change=toggle_cards, args=(cards_key,),
              help="Only codes from printed cards can vote; phones without a card code are refused. Set it "
                   "before opening the ballot: a ballot keeps the way its first votes were cast.")
    if refused := st.session_state.pop("cards-refused", None):
        st.error(ui.plain(refused))

# ---- export ---------------------------------------------------------------------------------------
with st.expander("Export results and votes (Excel, CSV)", icon=":material/download:"):
    st.caption("Results of every ballot and the raw votes, anonymous: voters are numbered 1, 2, 3 … within each "
               "ballot; sex and type of organisation appear only for voters who used a card.")
    whole = st.checkbox("All sessions of this campaign", key="export-all")
    scope = db.sessions(campaign.id) if whole else [session]
    named = None if whole else session
    e1, e2, e3 = st.columns(3)
    e1.download_button("Results and votes (Excel)", data=lambda: results_xlsx(db, campaign, scope),
                       file_name=export_filename(campaign, named, "votes", "xlsx"),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    e2.download_button("Results (CSV)", data=lambda: results_csv(db, campaign, scope),
                       file_name=export_filename(campaign, named, "results", "csv"), mime="text/csv")
    e3.download_button("Votes (CSV)", data=lambda: votes_csv(db, campaign, scope),
                       file_name=export_filename(campaign, named, "raw-votes", "csv"), mime="text/csv")
