"""The projector's live screen and the idea board page, driven through the real app
(AppTest): the QR code stays on screen while a ballot or the idea board shows, the idea
count is what the board shows, and a long idea is shortened before it goes on a ballot."""

from __future__ import annotations

from c4d.voting.commands import show_ballot
from c4d.ideas.model import IDEA_MAX, Idea, IdeaStatus
from c4d.ideas.commands import show_ideas
from c4d.voting.lifecycle import open_ballot
from c4d.voting.model import Ballot, BallotOption
from tests.test_pages import button, texts
from tests.voting.test_voting_pages import fixed_network  # noqa: F401  (autouse: no network cards)

IDEAS, LIVE = "worksheets/ideas.py", "worksheets/live_screen.py"
LONG_252 = ("Young women aged 18 to 27 from rural soums who move to Ulaanbaatar or Darkhan for seasonal "
            "work in restaurants, karaoke bars and hotels, and who are offered jobs abroad by people they "
            "met online or through friends of friends, without any written contract")[:252]


def seed(store, campaign, session, *texts_, **extra):
    return [store.save_idea(Idea(campaign_id=campaign.id, session_id=session.id, text=t, voter_key=f"device:{n}",
                                 **extra))
            for n, t in enumerate(texts_)]


def qr_images(at) -> list:
    """The images on the screen (the only image the live screen shows is a QR code)."""
    return [image for element in at.get("image") for image in element.proto.imgs]


def descendants(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from descendants(child)


def column_rows(node) -> list[list[list]]:
    """Every row of columns on the page, each column as the list of everything inside it."""
    children = list(getattr(node, "children", {}).values())
    rows = []
    if children and all(child.type == "column" for child in children):
        rows.append([list(descendants(child)) for child in children])
    for child in children:
        rows += column_rows(child)
    return rows


def markdown_html(at) -> str:
    return "\n".join(m.value for m in at.markdown)


# ---- the QR code while something is on the phones ---------------------------------------------
def test_the_qr_code_and_the_code_stay_on_screen_while_a_ballot_shows(app, fresh):
    store, campaign, session = fresh
    code = store.live_state(session.id).join_code
    ballot = store.save_ballot(open_ballot(Ballot(
        campaign_id=campaign.id, session_id=session.id, question="Who first?",
        options=[BallotOption(label="Young women"), BallotOption(label="Students")])))
    show_ballot(store, ballot)
    at = app(LIVE, campaign=campaign)
    assert "Who first?" in texts(at) and "0 voted" in texts(at)
    [qr] = qr_images(at)  # compact, beside the question
    assert qr.alt == "QR code that opens the voting page"
    assert f'<div class="c4d-qr-code" style="width: 160px">{code}</div>' in markdown_html(at)
    assert ">http://192.168.137.1:8501</span><wbr>/j<wbr>/" + code in markdown_html(at)  # and the link, to type


def test_the_join_address_breaks_only_at_a_slash_after_the_port(app, fresh):
    """"http://host:port" is one unbreakable piece whose type shrinks to its box, on the big
    invitation and on the line above a ballot; the path may break before a "/"."""
    store, campaign, session = fresh
    code = store.live_state(session.id).join_code
    at = app(LIVE, campaign=campaign)
    whole = '<span class="c4d-address" style="font-size: min({rem}rem, calc(100cqi / 15.50))">'
    origin = f"http://192.168.137.1:8501</span><wbr>/j<wbr>/{code}"
    assert f'<div class="c4d-url">{whole.format(rem=2.4)}{origin}</div>' in markdown_html(at)
    assert "break-all" not in markdown_html(at)
    ballot = store.save_ballot(open_ballot(Ballot(
        campaign_id=campaign.id, session_id=session.id, question="Who first?",
        options=[BallotOption(label="Young women"), BallotOption(label="Students")])))
    show_ballot(store, ballot)
    at = app(LIVE, campaign=campaign)
    assert f'Join: {whole.format(rem=1.6)}{origin} · code {code}</div>' in markdown_html(at)


def test_the_qr_code_stays_on_screen_while_the_idea_board_shows(app, fresh):
    store, campaign, session = fresh
    code = store.live_state(session.id).join_code
    show_ideas(store, session.id, "Which groups are most at risk?")
    at = app(LIVE, campaign=campaign)
    assert "Which groups are most at risk?" in texts(at)
    assert len(qr_images(at)) == 1
    assert f">{code}</div>" in markdown_html(at)


def test_the_qr_code_sits_beside_the_question_and_the_results_keep_the_full_width(app, fresh):
    store, campaign, session = fresh
    show_ideas(store, session.id, "Which groups are most at risk?")
    seed(store, campaign, session, "Students")
    at = app(LIVE, campaign=campaign)
    [row] = [row for row in column_rows(at.main) if any(n.type == "image" for col in row for n in col)]
    assert len(row) == 2
    question_col, qr_col = row
    assert [n.value for n in question_col if n.type == "header"] == ["Which groups are most at risk?"]
    assert [n.type for n in qr_col if n.type in ("image", "header")] == ["image"]
    assert not any(n.type == "markdown" and n.value.startswith("Students") for col in row for n in col)


# ---- what the idea count counts ---------------------------------------------------------------
def test_the_projector_counts_the_ideas_the_board_shows(app, fresh):
    store, campaign, session = fresh
    show_ideas(store, session.id, "Which groups are most at risk?")
    keep, *_ = seed(store, campaign, session, "Students", "Young women", "Herders")
    seed(store, campaign, session, "students!", status=IdeaStatus.merged, merged_into=keep.id)
    seed(store, campaign, session, "buy cheap phones", status=IdeaStatus.hidden)
    at = app(LIVE, campaign=campaign)
    body = texts(at)
    assert "3 ideas" in body and "5 ideas" not in body
    assert "buy cheap phones" not in body and "students!" not in body


# ---- a long idea on the idea board --------------------------------------------------------------
def test_the_wording_box_holds_no_more_than_a_ballot_option(app, fresh):
    store, campaign, session = fresh
    seed(store, campaign, session, "Students")
    at = app(IDEAS, campaign=campaign)
    [wording] = [t for t in at.text_input if t.label == "Wording"]
    assert wording.proto.max_chars == IDEA_MAX == 200


def test_a_long_stored_idea_is_shortened_before_it_goes_on_a_ballot(app, fresh):
    store, campaign, session = fresh
    state = store.live_state(session.id)
    store.save_live_state(state.model_copy(update={"idea_prompt": "Which groups are most at risk?"}))
    [long_idea] = seed(store, campaign, session, LONG_252)
    at = app(IDEAS, campaign=campaign)
    assert not at.exception
    at.multiselect(key=f"promote-{session.id}").select(long_idea.id).run()
    warning = " ".join(w.value for w in at.warning)
    assert "This idea is 252 characters long; an option on a ballot can have at most 200." in warning
    assert button(at, "Put on the ballot").disabled  # asked first, not refused after the fact
    boxes = [t for t in at.text_input if t.label == "Shorter wording"]
    assert boxes and all(t.proto.max_chars == 200 and len(t.value) <= 200 for t in boxes)

    shorter = "Young women 18–27 from rural soums offered jobs abroad without a contract"
    form_box = [t for t in at.text_input if t.label == "Shorter wording"][-1]  # the one in the ballot section
    form_box.input(shorter)
    [b for b in at.button if b.label == "Save the shorter wording"][-1].click().run()
    assert not at.exception and not at.error
    assert store.ideas(session.id)[0].text == shorter

    at.multiselect(key=f"promote-{session.id}").set_value([long_idea.id]).run()
    assert not button(at, "Put on the ballot").disabled
    button(at, "Put on the ballot").click().run()
    assert not at.error, [e.value for e in at.error]
    [ballot] = store.ballots(session.id)
    assert [o.label for o in ballot.options] == [shorter]


def test_likely_duplicates_on_the_page_ignore_punctuation(app, fresh):
    store, campaign, session = fresh
    seed(store, campaign, session, "Young women from Rural areas!", "young women from rural areas", "Herders")
    at = app(IDEAS, campaign=campaign)
    assert "Likely duplicates" in texts(at)
    button(at, "Merge them").click().run()
    assert [i.status for i in store.ideas(session.id)].count(IdeaStatus.merged) == 1


# ---- the projector's own window: an address per session ---------------------------------------
def projector_window(session_ref: str, *, projector: bool = True):
    """The live screen opened from its address in a new browser window: a new browser
    session, in which no campaign and no session has been chosen."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["session"] = session_ref
    if projector:
        at.query_params["projector"] = "1"
    at.switch_page(LIVE)
    return at.run()


def second_session(store, campaign, title="Media Camp 1"):
    from datetime import date

    from c4d.models import Session, SessionKind

    return store.add_session(Session(campaign_id=campaign.id, kind=SessionKind.media_camp_1, title=title,
                                     start_date=date(2020, 9, 1), end_date=date(2020, 9, 2)))


def test_the_projector_address_opens_its_session_with_no_campaign_chosen(app, fresh):
    store, campaign, session = fresh
    later = second_session(store, campaign)
    show_ideas(store, session.id, "Which groups are most at risk?")  # another session is live
    code = store.live_state(later.id).join_code
    at = projector_window(later.id)
    assert not at.exception, [e.value for e in at.exception]
    body = texts(at)
    assert "Open a campaign on the home page first." not in body
    assert "Media Camp 1" in body and "The next question will appear here." in body
    assert f">{code}</div>" in markdown_html(at)  # the join code of the session in the address
    assert "Which groups are most at risk?" not in body
    assert not at.selectbox  # the room sees no session picker


def test_the_projector_address_may_name_the_session_by_its_join_code(app, fresh):
    store, campaign, session = fresh
    show_ideas(store, session.id, "Which groups are most at risk?")
    code = store.live_state(session.id).join_code
    at = projector_window(code.lower())
    assert "Which groups are most at risk?" in texts(at)


def test_an_address_naming_no_session_says_so(app, fresh):
    at = projector_window("no-such-session")
    assert not at.exception
    assert "No workshop session" in texts(at)


def test_the_projector_window_follows_its_sessions_phones_by_itself(app, fresh):
    from c4d.pretest import commands as pretest
    from c4d.pretest.model import Material, MaterialType
    from c4d.voting.commands import show_nothing

    store, campaign, session = fresh
    at = projector_window(session.id)
    assert "The next question will appear here." in texts(at)
    ballot = store.save_ballot(open_ballot(Ballot(
        campaign_id=campaign.id, session_id=session.id, question="Who first?",
        options=[BallotOption(label="Young women"), BallotOption(label="Students")])))
    show_ballot(store, ballot)
    assert "Who first?" in texts(at.run())
    show_ideas(store, session.id, "Which groups are most at risk?")
    body = texts(at.run())
    assert "Which groups are most at risk?" in body and "Who first?" not in body
    slogan = pretest.register_material(store, campaign.id, Material(
        type=MaterialType.slogan, title="Slogan", text="Let's be aware of, discuss about and prevent TIP"))
    pretest.show_material(store, campaign.id, session.id, slogan.id)
    body = texts(at.run())
    assert "Let's be aware of, discuss about and prevent TIP" in body and "Which groups" not in body
    show_nothing(store, session.id)
    assert "The next question will appear here." in texts(at.run())


def test_a_facilitator_switching_session_on_the_live_screen_moves_its_address(app, fresh):
    store, campaign, session = fresh
    later = second_session(store, campaign)
    at = projector_window(session.id, projector=False)
    [picker] = [s for s in at.selectbox if s.label == "Workshop session"]
    picker.set_value(later.id).run()
    assert at.query_params["session"] == later.id
    assert "Media Camp 1" in texts(at)


def test_another_device_must_sign_in_before_the_projector_address_opens(app, fresh, monkeypatch):
    from c4d import permissions
    from tests.conftest import PASSCODE

    store, campaign, session = fresh
    monkeypatch.setattr(permissions, "is_this_laptop", lambda ip: False)
    show_ideas(store, session.id, "Which groups are most at risk?")
    at = projector_window(session.id)
    assert at.title[0].value == "Facilitator sign-in"
    assert "Which groups are most at risk?" not in texts(at) and "Safe Journeys" not in texts(at)
    at.text_input[0].input(PASSCODE)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Which groups are most at risk?" in texts(at)


# ---- the buttons that open it ---------------------------------------------------------------------
def projector_links(at) -> list:
    return [b for b in at.link_button if "live screen" in b.label.lower()]


def test_the_pages_open_the_projector_in_a_new_window_on_their_session(app, fresh):
    from c4d.pretest import commands as pretest
    from c4d.pretest.model import Material, MaterialType
    from datetime import date

    store, campaign, session = fresh
    show_ideas(store, session.id, "Which groups are most at risk?")
    for page in ("worksheets/voting.py", IDEAS, LIVE):
        at = app(page, campaign=campaign)
        [link] = projector_links(at)
        assert link.proto.url == f"/live_screen?session={session.id}&projector=1", page
        assert not [p for p in at.main.get("page_link") if "live screen" in p.value.lower()], page  # not this tab

    fgd = pretest.add_pretest_session(store, campaign.id, place="Darkhan", title="Pre-test Darkhan",
                                      held_on=date(2021, 3, 1), facilitators=["Saran"])
    slogan = pretest.register_material(store, campaign.id, Material(type=MaterialType.slogan, title="Slogan",
                                                                    text="Prevent TIP"))
    pretest.show_material(store, campaign.id, fgd.id, slogan.id)
    at = app("worksheets/pretest.py", campaign=campaign)
    at.session_state["pretest-tabs"] = "Scoring on phones"
    at.run()
    [link] = projector_links(at)
    assert link.proto.url == f"/live_screen?session={fgd.id}&projector=1"
