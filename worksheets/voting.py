"""PPCD voting: ballots for the session's key decisions, from phones or by show of hands."""

from datetime import date

import pandas as pd
import streamlit as st

from c4d import lan, ui
from c4d.text import plural
from worksheets._audience_ui import offer_as_audience
from c4d.export.results import export_filename, results_csv, results_xlsx, votes_csv
from c4d.models import DecisionTopic
from c4d.phones.model import Showing
from c4d.voting import commands
from c4d.voting.cards import cards_sheet_html
from c4d.voting.counting import describe_result
from c4d.db.errors import NotFound
from c4d.voting.model import (
    HAND_COUNT_PEOPLE,
    METHOD_SETTINGS,
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
    voted,
)
from c4d.voting.templates import TEMPLATES
from c4d.voting.worksheet import is_showing, projector_may_show_results, reveal_offer

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
ui.projector_window_button(session)


# ---- the ballots of this session ---------------------------------------------------------
def ballot_label(ballot: Ballot) -> str:
    return f"{numbers[ballot.id]}. {ballot.question} ({ballot.status.label.lower()})"


open_ids = [b.id for b in ballots if b.status is BallotStatus.open]
settled = {b.id: db.vote_count(b.id) for b in ballots if b.id not in open_ids}  # no vote can arrive


@ui.live(bool(open_ids))
def ballot_list() -> None:
    """The session's ballots; while one is open, its phone votes are counted anew every second."""
    cast = settled | {bid: db.vote_count(bid) for bid in open_ids}
    ui.dataframe(
        pd.DataFrame([{"#": numbers[b.id], "Question": b.question, "Method": b.method.label,
                       "Status": b.status.label, "On phones": "yes" if is_showing(state, b) else "",
                       "Phone votes": cast[b.id]} for b in ballots]),
        hide_index=True, width="stretch",
    )


if ballots:
    ballot_list()

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

voting_open = ballot.status is BallotStatus.open


@ui.live(voting_open)
def turnout() -> None:
    """Turnout, always in view, worded as the live screen and the report word it. While
    voting is open it is counted anew every second; a ballot changed elsewhere (closed in
    another tab, or from the command line) reruns the whole page, so its buttons agree."""
    try:
        now = db.ballot(ballot.id)
    except NotFound:
        st.rerun()
    if (now.status, now.results_revealed, now.hide_live_results) != (
            ballot.status, ballot.results_revealed, ballot.hide_live_results):
        st.rerun()
    st.metric(f"Turnout of the people {could.label}" if could.count else "Turnout",
              could.of(voted(db, ballot), who=False))


if ballot.status is not BallotStatus.draft or counted.result is not None:  # a draft has no turnout yet
    turnout()
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
        offer = reveal_offer(ballot, has_result=result is not None, on_phones=is_showing(state, ballot))
        if offer is not None and cols[2].button(offer.label, key=offer.action, help=offer.help):
            if offer.action == "reveal":
                commands.reveal(db, ballot.id)
                done("Results revealed: " + offer.help[0].lower() + offer.help[1:])
            else:
                commands.hide_again(db, ballot.id)
                done("Results hidden again: " + offer.help[0].lower() + offer.help[1:])
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
    if ballot.status is not BallotStatus.closed:  # it matters only before and while voting runs
        st.toggle("Hide live results on the projector while voting", key=live_key, on_change=toggle_live_results,
                  args=(live_key,), help="Avoids groupthink: the projector shows only how many have voted until "
                                         "you reveal the results.")

# ---- results ----------------------------------------------------------------------------------
@ui.live(voting_open)
def result_part() -> None:
    """The result as it stands; while voting is open it is counted anew every second."""
    now = tally(db, ballot) if voting_open else counted
    result = now.result
    if now.problem:
        st.error(ui.plain(now.problem))
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
        ui.dataframe(pd.DataFrame(rows, columns=headers), hide_index=True, width="stretch")
        if rounds := rounds_table(result):
            with st.expander("Rounds of counting (instant runoff)"):
                ui.dataframe(pd.DataFrame(rounds[1], columns=rounds[0]), hide_index=True, width="stretch")
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
    breakdown_part(now)


def breakdown_part(now) -> None:
    """Results by sex and type of organisation, for the votes cast with a voter card."""
    breakdown = None if projector else disaggregation_table(ballot, now.votes, participants)
    if breakdown is None:
        return
    with st.expander("Results by sex and type of organisation"):
        st.caption("Only votes cast with a voter card are linked to the register; the others are 'Not identified'. "
                   "Each column is counted on its own, with its number of voters (n)"
                   + (f"; figures are {value_title(ballot, now.result).lower()}." if now.result else "."))
        ui.dataframe(pd.DataFrame(breakdown.rows, columns=breakdown.headers), hide_index=True, width="stretch")
        if breakdown.small_groups:
            st.warning(f"Careful: groups of fewer than {SMALL_GROUP} people can reveal how someone voted — "
                       + ui.plain(", ".join(breakdown.small_groups)) + ". Do not show them on the projector.")


st.subheader("Result", anchor=False)
result_part()

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
            offer_as_audience(d, campaign)
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
with st.expander("Show of hands (when phones are not an option)", icon=":material/back_hand:",
                 key=f"hands-expander-{ballot.id}"):
    st.caption("Count the hands (or the stickers, for dot voting) for each option and type the numbers. "
               "The result will say it was a show of hands."
               + (" For a ranking or scoring ballot, count hands for each person's favourite only."
                  if ballot.method.is_ranking or ballot.method is VotingMethod.matrix else ""))
    hands = counted.hands
    with st.form(f"hands-{ballot.id}"):
        typed = {o.id: st.number_input(ui.widget_label(o.label), min_value=0, max_value=100_000, step=1,
                                       value=(hands.counts.get(o.id, 0) if hands else 0), key=f"hand-{o.id}")
                 for o in ballot.options}
        people = None  # elsewhere each hand is one person's one choice: the hands are the turnout
        if ballot.method in HAND_COUNT_PEOPLE:
            people = st.number_input(
                "People who took part", min_value=0, max_value=100_000, step=1,
                value=(hands.people if hands and hands.people is not None else None),
                help="Needed: with several choices each, the hands alone do not say how many people voted."
                if ballot.method is VotingMethod.multiple else "The number of people who placed dots.")
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

# ---- edit ------------------------------------------------------------------------------------
# Keyed, so an expander opened stays open when a flash message above it shifts the page.
with st.expander("Edit the ballot", expanded=ballot.status is BallotStatus.draft and bool(readiness_problems(ballot)),
                 icon=":material/edit:", key=f"edit-expander-{ballot.id}"):
    draft = ballot.status is BallotStatus.draft
    uses = METHOD_SETTINGS[ballot.method]  # only the settings the ballot's method uses are offered
    if draft:
        def change_method(key: str) -> None:
            with ui.saving("Counting method"):
                changed = commands.change_method(db, ballot.id, st.session_state[key])
                ui.flash(f"Counted by {changed.method.label.lower()} now. {changed.instructions()}")

        # Outside the form and saved at once, so the form below offers that method's settings.
        method_key = f"edit-method-{ballot.id}"
        st.session_state[method_key] = ballot.method  # always what is saved (another tab may change it)
        methods = list(VotingMethod)
        st.radio("Counting method", methods, key=method_key, format_func=lambda m: m.label,
                 captions=[m.explanation for m in methods], on_change=change_method, args=(method_key,))
    else:
        st.caption("Voting has started: only the wording can change, so every vote keeps its meaning.")
    with st.form(f"edit-{ballot.id}"):
        question = st.text_input("Question", value=ballot.question, max_chars=200)
        options = ui.editable_table(
            f"edit-options-{ballot.id}", [{"id": o.id, "Option": o.label} for o in ballot.options], ["id", "Option"],
            column_order=["Option"], num_rows="dynamic" if draft else "fixed", dtypes={"Option": "string"},
            column_config={"Option": st.column_config.TextColumn(max_chars=200, required=True)})
        criteria = None
        if "criteria" in uses:
            st.caption("Criteria for the scoring matrix, each with a weight (1 = normal, 2 = counts double).")
            criteria = ui.editable_table(
                f"edit-criteria-{ballot.id}",
                [{"id": c.id, "Criterion": c.label, "Weight": c.weight} for c in ballot.criteria],
                ["id", "Criterion", "Weight"], dtypes={"Criterion": "string", "Weight": "float"},
                column_order=["Criterion", "Weight"], num_rows="dynamic" if draft else "fixed",
                disabled=[] if draft else ["Weight"],
                column_config={"Criterion": st.column_config.TextColumn(max_chars=200, required=True),
                               "Weight": st.column_config.NumberColumn(min_value=0.1, max_value=100, default=1.0)})
        settings: dict = {}  # the method's settings: fixed once voting has started
        if draft and "max_choices" in uses:
            settings["max_choices"] = int(st.number_input(
                "Choices per person", min_value=1, max_value=30, step=1, value=ballot.max_choices or 2,
                help="How many options each person may tick."))
        if draft and "dots" in uses:
            c1, c2 = st.columns(2)
            settings["dots"] = int(c1.number_input("Dots per person", min_value=1, max_value=100, step=1,
                                                   value=ballot.dots or 3))
            settings["allow_stacking"] = c2.checkbox("Several dots on one option", value=ballot.allow_stacking)
        if st.form_submit_button("Save ballot", type="primary"):
            with ui.saving("Ballot"):
                def rows(frame, label_column):
                    for record in ui.table_rows(frame):
                        if record[label_column]:
                            yield record, record[label_column]

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
                commands.change_ballot(db, ballot.id, **changes, **settings)
                done("Ballot saved.")
    with st.popover("Delete this ballot", icon=":material/delete:"):
        st.write("The ballot and every vote cast on it are deleted for good." if voting_open else
                 f"The ballot and its {plural(counted.cast, 'vote')} are deleted for good.")
        st.caption("Decisions already adopted stay.")
        if st.button("Delete", key=f"delete-{ballot.id}"):
            with ui.saving("Ballot"):
                commands.delete_ballot(db, ballot.id)
                st.session_state.pop("voting_ballot", None)
                ui.flash("Ballot deleted.")
                st.rerun()

# ---- voter cards -------------------------------------------------------------------------------
with st.expander("Voter cards (formal votes, and results by sex and organisation)", icon=":material/badge:",
                 key="cards-expander"):
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
