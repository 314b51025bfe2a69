"""The decision form of 'Pre-test results', through the real app (AppTest): after a decision
is recorded it moves on to the next material that has none, and says so."""

from __future__ import annotations

from c4d.pretest import commands, record
from tests.like_a_browser import run_as_a_browser
from tests.test_pages import button, texts

RESULTS = "worksheets/pretest_results.py"
REASON = "Reason (what the groups said)"


def reason_box(at):
    [box] = [a for a in at.text_area if a.label == REASON]
    return box


def test_the_decision_form_moves_on_to_the_next_undecided_material(app, demo, ready_store):
    doc = record.load(ready_store, demo.id)
    names = {m.name: m.id for m in doc.tested()}
    for name in ("Slogan B (v1)", "Transit-point poster (v1)"):  # two materials without a decision
        for decision in doc.decisions_on(names[name]):
            commands.delete_decision(ready_store, demo.id, decision.id)
    at = app(RESULTS, campaign=demo)
    assert at.selectbox(key="pretest-result-material").value == names["Slogan A (v1)"]
    reason_box(at).input("Still confusing after a second look")
    run_as_a_browser(at, lambda at: button(at, "Record the decision").click().run())
    assert not at.exception
    assert "Recorded: Slogan A (v1)" in texts(at) and "Next without a decision: Slogan B (v1)." in texts(at)
    assert at.selectbox(key="pretest-result-material").value == names["Slogan B (v1)"]
    assert "Decision on Slogan B (v1)" in texts(at)
    assert reason_box(at).value == ""  # empty for this material, nothing carried over

    reason_box(at).input("Both groups understood it at once")
    run_as_a_browser(at, lambda at: button(at, "Record the decision").click().run())
    assert record.load(ready_store, demo.id).latest_decision(names["Slogan B (v1)"]).reason == (
        "Both groups understood it at once")
    assert at.selectbox(key="pretest-result-material").value == names["Transit-point poster (v1)"]

    reason_box(at).input("The helpline number is too small")
    run_as_a_browser(at, lambda at: button(at, "Record the decision").click().run())
    assert "Every material shown here has a decision." in texts(at)
    assert at.selectbox(key="pretest-result-material").value == names["Transit-point poster (v1)"]
