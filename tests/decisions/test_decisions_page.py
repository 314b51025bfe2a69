"""The Key decisions page: the decision that stands on each topic, the earlier ones kept as
history, and charts on the scale of the counting method."""

from __future__ import annotations

import json
from datetime import timedelta

from c4d import ui
from c4d.models import Decision, DecisionTopic, TallyRow

PAGE = "worksheets/decisions.py"


def chart_specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def encoding(spec: dict) -> dict:
    """The bars' encoding (the first layer that has one: the chart is bars and their words)."""
    return next(layer["encoding"] for layer in spec.get("layer", [spec]) if "encoding" in layer)


def x_titles(at) -> list[str]:
    return [encoding(spec)["x"]["title"] for spec in chart_specs(at)]


def current(store, campaign, topic: DecisionTopic) -> Decision:
    return [d for d in store.decisions(campaign.id) if d.topic is topic][-1]


def test_a_criteria_score_is_charted_out_of_100_not_as_votes(app, demo, ready_store):
    trend = current(ready_store, demo, DecisionTopic.trend)
    ready_store.add_decision(Decision(
        campaign_id=demo.id, session_id=trend.session_id, topic=DecisionTopic.trend, ballot_id="b-matrix",
        choice="Forced labour in factories or construction", method="Criteria scoring (weighted)", turnout=8,
        breakdown=[TallyRow(option="Forced labour in factories or construction", votes=59.38),
                   TallyRow(option="Domestic servitude", votes=50.78)],
        decided_at=trend.decided_at + timedelta(hours=1)))
    at = app(PAGE, campaign=demo)
    specs = chart_specs(at)
    assert len(specs) == 4  # trend, target group, area, media; the superseded trend is not charted
    scored = [encoding(s) for s in specs if encoding(s)["x"]["title"] == "Score out of 100"]
    assert len(scored) == 1
    assert scored[0]["x"]["scale"]["domain"] == [0, 100]
    assert [t for t in scored[0]["tooltip"] if t.get("title") == "Score out of 100"]
    assert x_titles(at).count("Votes") == 3  # the single-choice votes keep their title


def test_only_the_latest_decision_on_a_topic_is_shown_and_earlier_ones_are_listed(app, demo, ready_store):
    first = current(ready_store, demo, DecisionTopic.primary_audience)
    for hours, choice in ((2, "High-school girls"), (3, "Job seekers *going* abroad")):
        ready_store.add_decision(Decision(campaign_id=demo.id, session_id=first.session_id,
                                          topic=DecisionTopic.primary_audience, choice=choice,
                                          method="Discussion (consensus)",
                                          decided_at=first.decided_at + timedelta(hours=hours)))
    ready_store.add_decision(Decision(campaign_id=demo.id, topic=DecisionTopic.other,
                                      choice="Launch on 8 March", method="Discussion (consensus)"))
    at = app(PAGE, campaign=demo)
    shown = [s.value for s in at.subheader]
    assert ui.plain("Job seekers *going* abroad") in shown
    assert "Young women aged 18–27" not in shown and "High-school girls" not in shown
    assert ui.plain("Launch on 8 March") in shown  # an 'other' decision stands on its own
    [history] = [e for e in at.expander if e.label.startswith("Earlier decisions on this topic")]
    assert history.label == "Earlier decisions on this topic (2), since superseded"
    lines = [m.value for m in history.markdown]
    assert len(lines) == 2
    assert lines[0].startswith("Young women aged 18–27 — decided on ")
    assert lines[0].endswith(ui.plain("by “High-school girls”."))
    assert lines[1].endswith(ui.plain("by “Job seekers *going* abroad”."))  # escaped, shown as typed
