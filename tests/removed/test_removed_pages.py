"""The pages: a removal's confirmation names what goes, and 'Recently removed' brings it back."""

from __future__ import annotations

import pytest

from c4d.audience.reading import load_part
from c4d.models import DecisionTopic
from c4d.people import commands as people
from c4d.pretest import record
from c4d.removed import commands as removed
from c4d.strategy.worksheet import load_objectives
from c4d.people import register
from tests.tables import edit_table, editor
from tests.fixtures_store import add_campaign, add_session, person
from tests.test_pages import button, texts


@pytest.fixture
def store_with_two_sessions(ready_store):
    campaign = add_campaign(ready_store)
    doomed, kept = add_session(ready_store, campaign, "Media camp"), add_session(ready_store, campaign, "PPCD")
    ready_store.add_participant(person(doomed, name="Dara"))
    return ready_store, campaign, doomed, kept


def restore_panel(at):
    return [e for e in at.expander if e.label.startswith("Recently removed today")]


def test_a_decision_removed_on_its_page_is_named_and_restored_there(app, demo, ready_store):
    target = next(d for d in ready_store.decisions(demo.id) if d.topic is DecisionTopic.primary_audience)
    at = app("worksheets/decisions.py", campaign=demo)
    assert not restore_panel(at)  # nothing removed today: no panel
    assert f"Remove the decision 'Primary target group — {target.choice}'?" in texts(at)
    at.button(key=f"remove-{target.id}").click().run()
    assert target.id not in {d.id for d in ready_store.decisions(demo.id)}
    assert (f"Removed the decision 'Primary target group — {target.choice}'. Restore it today from "
            "'Recently removed' on this page.") in texts(at)
    [panel] = restore_panel(at)
    assert panel.label == "Recently removed today (1)"
    assert f"Decision: Primary target group — {target.choice}" in texts(at)
    button(at, "Restore").click().run()
    assert target in ready_store.decisions(demo.id)
    assert f"Restored: Decision: Primary target group — {target.choice}" in texts(at)
    assert not restore_panel(at)


def test_the_sem_page_lists_only_its_own_removals(app, demo, ready_store):
    influence = load_part(ready_store, demo.id, "sem").influences[0]
    objective = load_objectives(ready_store, demo.id).objectives[0]
    from c4d.strategy.commands import remove_objective
    remove_objective(ready_store, demo.id, objective.id)
    at = app("worksheets/sem.py", campaign=demo)
    assert not restore_panel(at)  # the objective is listed on its own page, not here
    at.button(key=f"sem-remove-{influence.id}").click().run()
    [panel] = restore_panel(at)
    assert panel.label == "Recently removed today (1)"
    button(at, "Restore").click().run()
    assert load_part(ready_store, demo.id, "sem").influences[0] == influence
    at = app("worksheets/smart_objectives.py", campaign=demo)
    assert [p.label for p in restore_panel(at)] == ["Recently removed today (1)"]


def test_a_material_removed_on_its_page_comes_back(app, demo, ready_store):
    at = app("worksheets/materials.py", campaign=demo)
    [delete] = [b for b in at.button if b.key and b.key.startswith("delete-material-")]
    material_id = delete.key.removeprefix("delete-material-")
    before = record.load(ready_store, demo.id)
    name = before.material(material_id).name
    assert f"Remove the material '{name}'?" in texts(at)
    delete.click().run()
    assert record.load(ready_store, demo.id).find_material(material_id) is None
    button(at, "Restore").click().run()
    assert record.load(ready_store, demo.id) == before


def test_a_participant_deleted_in_the_register_is_named_and_comes_back_in_its_row(app, demo, ready_store):
    session = next(s for s in ready_store.sessions(demo.id) if ready_store.participants(s.id))
    gone = ready_store.participants(session.id)[3]
    at = app("worksheets/participants.py", campaign=demo)
    edit_table(at, editor(at, register.ORGANISATION), deleted=[3])
    assert gone.id not in {p.id for p in ready_store.participants(session.id)}
    shown = gone.name + f" ({gone.organisation})" if gone.name else gone.organisation
    assert f"Removed the participant '{shown}'." in texts(at)
    button(at, "Restore").click().run()
    assert ready_store.participants(session.id)[3] == gone
    assert not restore_panel(at)
    assert list(editor(at, register.ORGANISATION).value["id"])[3] == gone.id  # the table shows it again


def test_restoring_into_a_deleted_session_says_why_on_the_page(app, store_with_two_sessions):
    store, campaign, doomed, kept = store_with_two_sessions
    one = store.participants(doomed.id)[0]
    people.remove_participant(store, doomed, one.id)
    store.delete_session(doomed.id)
    at = app("worksheets/participants.py", campaign=campaign)
    button(at, "Restore").click().run()
    assert "Not restored: Dara cannot be put back: the workshop session 'Media camp' has been deleted." in texts(at)
    assert len(removed.removed_today(store, campaign.id)) == 1
