"""Pre-test scoring on participants' phones (c4d.phones.routes with c4d.pretest.model), driven in-process:
the form with its anchored wording, answers saved and replaced, double taps, half-filled
forms, out-of-range scores, stale forms, escaping, translations, page weight, and a
property test throwing arbitrary form bodies at the scoring form."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from c4d.phones import commands as phone_commands
from c4d.phones import pages

from c4d.pretest import model as pretest
from c4d.pretest import commands, record
from c4d.pretest.files import Upload
from c4d.models import SessionKind, Sex
from c4d.pretest.model import CORE_CRITERIA, Criterion, Material, MaterialType, PretestGroup
from tests.fixtures_store import add_campaign, add_session
from tests.phones.test_live_routes import ESCAPED, SCRIPT, FormReader, assert_plain_page, make_client, post

SAVED = "Thank you — your answers are saved."
REPLACED = "Your earlier answers to this material were replaced by these."


def full_answer(score: int = 4, words: str = "Learn the signs of a fake job offer", n: int = 5) -> dict[str, str]:
    return {"w": words, **{f"s{i}": str(score) for i in range(n)}}


def send(client, code: str, answer: dict, *, edit: bool = False):
    """Load the scoring form as a phone would and send `answer` with its hidden fields."""
    page = client.get(f"/j/{code}" + ("?edit=1" if edit else ""))
    assert page.status_code == 200, page.text
    hidden = FormReader(page.text).hidden()
    assert hidden["kind"] == "pretest", page.text[:400]
    return post(client, code, {**hidden, **answer})


@pytest.fixture
def room(store):
    """A pre-test session with two slogans, slogan A on the phones."""
    campaign = add_campaign(store, "Safe Migration")
    session = add_session(store, campaign, "Pre-test Darkhan", kind=SessionKind.pretest_fgd, start=date(2021, 2, 20))
    a = commands.register_material(store, campaign.id, Material(
        type=MaterialType.slogan, title="Slogan A", text="Let's protect our dream and own our destiny"))
    b = commands.register_material(store, campaign.id, Material(
        type=MaterialType.slogan, title="Slogan B", text="Let's be aware of, discuss about and prevent TIP"))
    commands.save_group(store, campaign.id, PretestGroup(session_id=session.id, material_order=[a.id, b.id]))
    commands.show_material(store, campaign.id, session.id, a.id)
    code = store.live_state(session.id).join_code
    return SimpleNamespace(store=store, campaign=campaign, session=session, a=a, b=b, code=code,
                           client=make_client())


def answers(room, material=None):
    doc = record.load(room.store, room.campaign.id)
    return doc.responses_to((material or room.a).id)


# ---- the form -------------------------------------------------------------------------------------------

def test_the_form_shows_the_material_and_every_criterion_with_its_anchors(room):
    page = room.client.get(f"/j/{room.code}")
    assert page.status_code == 200
    assert_plain_page(page)
    text = page.text
    assert "<h1>Slogan A</h1>" in text and "Let&#x27;s protect our dream and own our destiny" in text
    assert "1. In your own words, what is the main message?" in text
    assert "2. How well did you understand it?" in text and "6. Does it make you want to do what it asks?" in text
    assert "1 · I did not understand it" in text and "5 · Yes, it is about people like me" in text
    assert "believe" not in text  # believability is off unless the campaign asks for it
    form = FormReader(text).form
    assert form["method"] == "post" and form["action"] == f"/j/{room.code}"
    hidden = FormReader(text).hidden()
    assert set(hidden) == {"kind", "material", "nonce"} and hidden["material"] == room.a.id
    radios = FormReader(text).inputs("radio")
    assert {r["name"] for r in radios} == {f"s{i}" for i in range(5)} and len(radios) == 25
    assert sum(1 for r in radios if "required" in r) == 5  # one required radio per question
    assert [t["name"] for t in form["textareas"]] == ["w", "c0", "c1", "c2", "c3", "c4", "g"]
    assert "required" in form["textareas"][0]
    assert [s["name"] for s in form["selects"]] == ["sx", "ag"]
    assert len(page.content) < pages.PAGE_BUDGET
    assert '<meta http-equiv="refresh"' not in text  # a form being filled in is never reloaded


def test_a_typed_slogan_is_shown_and_a_file_only_material_asks_to_look(room):
    commands.update_material(room.store, room.campaign.id, room.a.id, text="")
    commands.attach_file(room.store, room.campaign.id, room.a.id,
                         Upload("poster.png", b"\x89PNG\r\n\x1a\n" + bytes(32)))
    text = room.client.get(f"/j/{room.code}").text
    assert "Look at the material the facilitator is showing now." in text
    assert "poster.png" not in text  # the phone page never carries the file


def test_answers_are_saved_thanked_and_the_phone_waits_for_the_next_material(room):
    sent = send(room.client, room.code, full_answer() | {"c1": "Nice colours", "g": "Short is good", "sx": "woman",
                                                         "ag": "1"})
    assert sent.status_code == 303 and sent.headers["location"].startswith(f"/j/{room.code}?sent=p")
    thanks = room.client.get(sent.headers["location"])
    assert_plain_page(thanks)
    assert SAVED in thanks.text and '<meta http-equiv="refresh" content="5">' in thanks.text
    assert f'href="/j/{room.code}?edit=1"' in thanks.text and "Change my answers" in thanks.text
    [answer] = answers(room)
    assert answer.scores == {c: 4 for c in CORE_CRITERIA} and answer.source == "phone"
    assert answer.own_words == "Learn the signs of a fake job offer"
    assert answer.comments == {"appeal": "Nice colours", "general": "Short is good"}
    doc = record.load(room.store, room.campaign.id)
    [person] = doc.respondents
    assert (person.label, person.sex, person.age_band) == ("Phone 1", Sex.woman, "18–24")
    assert person.device_key.startswith("device:")

    # Reloading the plain address shows the waiting page, not the form again.
    waiting = room.client.get(f"/j/{room.code}")
    assert "You have answered for this material." in waiting.text and "<form" not in waiting.text
    # The facilitator shows slogan B: the same phone now gets its form.
    commands.show_material(room.store, room.campaign.id, room.session.id, room.b.id)
    nxt = room.client.get(f"/j/{room.code}")
    assert "<h1>Slogan B</h1>" in nxt.text and FormReader(nxt.text).hidden()["material"] == room.b.id


def test_changing_answers_replaces_them_and_says_so(room):
    send(room.client, room.code, full_answer(4) | {"sx": "man"})
    form = room.client.get(f"/j/{room.code}?edit=1").text
    assert 'name=s0 value=4 checked' in form and "Learn the signs of a fake job offer</textarea>" in form
    assert "<option value=man selected>" in form
    again = send(room.client, room.code, full_answer(2, "Follow your dreams"), edit=True)
    assert again.headers["location"].startswith(f"/j/{room.code}?sent=q")
    assert REPLACED in room.client.get(again.headers["location"]).text
    [answer] = answers(room)
    assert set(answer.scores.values()) == {2} and answer.own_words == "Follow your dreams"
    assert [r.label for r in record.load(room.store, room.campaign.id).respondents] == ["Phone 1"]
    # A second phone is a second respondent.
    send(make_client(), room.code, full_answer(5))
    assert len(answers(room)) == 2


def test_a_double_tap_is_saved_once_and_answered_the_same_way(room):
    page = room.client.get(f"/j/{room.code}")
    body = {**FormReader(page.text).hidden(), **full_answer()}
    first, second = post(room.client, room.code, body), post(room.client, room.code, body)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"].split("=")[1][0] == second.headers["location"].split("=")[1][0] == "p"
    assert len(answers(room)) == 1


# ---- bad input ----------------------------------------------------------------------------------------------

def test_a_half_filled_form_comes_back_with_the_answers_kept_and_the_gaps_named(room):
    partial = {"w": "Learn the signs", "s0": "5", "s2": "3", "c2": "Too long"}
    refused = send(room.client, room.code, partial)
    assert refused.status_code == 422
    assert_plain_page(refused)
    assert "Please answer question 3, 5, 6 too; nothing was saved yet." in refused.text
    assert 'name=s0 value=5 checked' in refused.text and 'name=s2 value=3 checked' in refused.text
    assert ">Too long</textarea>" in refused.text and ">Learn the signs</textarea>" in refused.text
    assert refused.text.count("<fieldset class=x>") == 3  # the unanswered questions are marked
    no_words = send(room.client, room.code, full_answer(words="   "))
    assert no_words.status_code == 422 and "Please answer question 1 too" in no_words.text
    assert answers(room) == []


@pytest.mark.parametrize("field, value", [("s0", "7"), ("s1", "0"), ("s2", "4.5"), ("s3", "-1"), ("s4", "five"),
                                          ("sx", "alien"), ("ag", "9"), ("ag", "x")])
def test_out_of_range_or_invented_values_are_refused(room, field, value):
    refused = send(room.client, room.code, full_answer() | {field: value})
    assert refused.status_code == 422 and "This form could not be read" in refused.text
    assert answers(room) == []


def test_a_field_sent_twice_or_text_beyond_the_limit_is_refused(room):
    page = room.client.get(f"/j/{room.code}")
    hidden = FormReader(page.text).hidden()
    body = urlencode({**hidden, **full_answer()}) + "&s0=5"
    twice = post(room.client, room.code, body)
    assert twice.status_code == 422
    long = send(room.client, room.code, full_answer(words="x" * (pretest.WORDS_MAX + 1)))
    assert long.status_code == 422 and "Keep each answer under 1000 characters" in long.text
    assert answers(room) == []


def test_answers_for_a_material_no_longer_showing_are_refused(room):
    page = room.client.get(f"/j/{room.code}")
    hidden = FormReader(page.text).hidden()
    commands.show_material(room.store, room.campaign.id, room.session.id, room.b.id)
    late = post(room.client, room.code, {**hidden, **full_answer()})
    assert late.status_code == 409 and "Scoring of this material has ended; your answers were not saved." in late.text
    assert answers(room) == [] and answers(room, room.b) == []
    commands.stop_showing(room.store, room.session.id)
    assert post(room.client, room.code, {**hidden, **full_answer()}).status_code == 409
    assert "Please wait" in room.client.get(f"/j/{room.code}").text


def test_a_nonce_for_another_phone_or_other_questions_asks_for_a_reload(room):
    hidden = FormReader(room.client.get(f"/j/{room.code}").text).hidden()
    other = make_client()
    other.get(f"/j/{room.code}")  # a phone with its own token
    assert post(other, room.code, {**hidden, **full_answer()}).status_code == 400
    commands.set_rules(room.store, room.campaign.id, believability=True)  # the questions changed meaning
    stale = post(room.client, room.code, {**hidden, **full_answer(n=6)})
    assert stale.status_code == 400 and "Please reload this page" in stale.text
    assert answers(room) == []


def test_believability_adds_a_seventh_question(room):
    commands.set_rules(room.store, room.campaign.id, believability=True)
    text = room.client.get(f"/j/{room.code}").text
    assert "7. Do you believe what it says?" in text and "5 · Completely" in text
    assert send(room.client, room.code, full_answer(n=5)).status_code == 422  # question 7 missing
    assert send(room.client, room.code, full_answer(n=6)).status_code == 303
    assert answers(room)[0].scores[Criterion.believability] == 4


def test_a_material_deleted_while_showing_means_wait(room):
    commands.delete_material(room.store, room.campaign.id, room.a.id)
    page = room.client.get(f"/j/{room.code}")
    assert page.status_code == 200 and "Please wait" in page.text


def test_every_piece_of_user_text_is_escaped_and_translations_are_used(store):
    campaign = add_campaign(store, f"Camp {SCRIPT}", participant_language="mn")
    session = add_session(store, campaign, "Pre-test", kind=SessionKind.pretest_fgd)
    m = commands.register_material(store, campaign.id, Material(type=MaterialType.slogan, title=SCRIPT,
                                                               text=f"Мөрөөдлийн шүхэр {SCRIPT}"))
    commands.show_material(store, campaign.id, session.id, m.id)
    phone_commands.save_translation(store, "mn", "pretest_appeal_q", "Танд хэр таалагдсан бэ? <b>")
    code = store.live_state(session.id).join_code
    client = make_client()
    text = client.get(f"/j/{code}").text
    assert "<script" not in text and text.count(ESCAPED) >= 3
    assert "Мөрөөдлийн шүхэр" in text and '<html lang="mn">' in text
    assert "3. Танд хэр таалагдсан бэ? &lt;b&gt;" in text and "<b>" not in text
    refused = send(client, code, {"w": SCRIPT, "s0": "9"})
    assert "<script" not in refused.text and ESCAPED in refused.text  # the typed answer comes back escaped


def test_scoring_pages_stay_small_even_with_a_long_script(room):
    commands.update_material(room.store, room.campaign.id, room.a.id, text="Сараа " * 800)  # ~4800 characters
    commands.set_rules(room.store, room.campaign.id, believability=True)
    page = room.client.get(f"/j/{room.code}")
    assert len(page.content) < pages.PAGE_BUDGET, len(page.content)
    assert re.search(r"<script", page.text, re.I) is None


# ---- anything a phone could send ---------------------------------------------------------------------------------

KEYS = ["kind", "material", "nonce", "w", "s0", "s1", "s4", "s9", "c0", "g", "sx", "ag", "x"]
VALUES = st.one_of(st.sampled_from(["1", "3", "5", "0", "6", "", "woman", "2", "pretest", "vote"]),
                   st.text(max_size=30))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_arbitrary_form_bodies_never_crash_and_save_only_complete_answers(room, data):
    hidden = FormReader(room.client.get(f"/j/{room.code}?edit=1").text).hidden()
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(KEYS), VALUES), max_size=14))
    if data.draw(st.booleans()):
        pairs = [("kind", "pretest"), ("material", hidden["material"]), ("nonce", hidden["nonce"])] + pairs
    response = post(room.client, room.code, urlencode(pairs))
    assert response.status_code in (303, 400, 409, 413, 422, 429), response.text[:300]
    assert "Traceback" not in response.text
    for answer in answers(room):
        assert set(answer.scores) == set(CORE_CRITERIA) and answer.own_words.strip()
        assert all(1 <= v <= 5 for v in answer.scores.values())
    if response.status_code == 303:
        fields: dict[str, list[str]] = {}
        for name, value in pairs:
            fields.setdefault(name, []).append(value)
        assert all(len(fields.get(f"s{i}", [])) == 1 for i in range(5))
