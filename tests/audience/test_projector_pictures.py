"""The audience pictures as the projector draws them (issue 17): the Social Ecological Model
one level at a time with its chips in type for the back of the room, and the stakeholder key
with every name in full. The browser test (tests/browser/test_projector_details_in_chromium.py)
measures the same on screen at 1280×720."""

from __future__ import annotations

import re

import pytest

from c4d.audience.model import SEMLevel
from c4d.audience.pictures import (
    OUTSIDE_IN, ROOM_TYPE_PX, SEM_ROOM_H, SEM_ROOM_W, level_summary, sem_room_svg, stakeholder_chart,
)
from c4d.audience.reading import load_part
from c4d.db.store import Store
from c4d.demo.example import load_demo


@pytest.fixture(scope="module")
def example():
    store = Store("sqlite://")
    campaign = load_demo(store)
    yield load_part(store, campaign.id, "sem"), load_part(store, campaign.id, "stakeholders").stakeholders
    store.engine.dispose()


def texts(svg: str) -> list[tuple[str, float]]:
    """(words, font size) of each text element."""
    return [(" ".join(re.sub(r"<[^>]+>", " ", body).split()), float(size))
            for size, body in re.findall(r'<text [^>]*font-size="([\d.]+)"[^>]*>(.*?)</text>', svg)]


@pytest.mark.parametrize("level", list(SEMLevel))
def test_the_projector_opens_one_level_with_chips_for_the_back_of_the_room(example, level):
    sem, _ = example
    svg = sem_room_svg(sem, level)
    assert f'width="{SEM_ROOM_W}" height="{SEM_ROOM_H}"' in svg  # shown about 1:1 on a 1280×720 projector
    drawn = texts(svg)
    chips = [(w, s) for w, s in drawn if w[:1] in "+−" or w.startswith("by ")]
    assert len([w for w, _ in chips if w[:1] in "+−"]) == len(sem.at(level)) == 3
    assert all(s >= ROOM_TYPE_PX for _, s in chips), chips
    assert all(s >= ROOM_TYPE_PX for _, s in drawn), drawn  # the rings' lines too
    assert not any(w.endswith("…") for w, _ in chips), chips
    for inf in sem.at(level):
        assert any(inf.who_or_what in w for w, _ in chips)
    for other in OUTSIDE_IN:
        if other is not level:  # the other rings are one line each, saying what they hold
            assert any(level_summary(sem, other) in w for w, _ in drawn)
    assert level_summary(sem, level) == "3 influences: 1 helps, 2 harm"


def key_lines(chart) -> list[list[str]]:
    spec = chart.to_dict()
    key = spec["hconcat"][1]
    data = spec["datasets"][key["data"]["name"]]
    return [row["Key"].split("\n") for row in data]  # drawn one line under the other (lineBreak)


@pytest.mark.parametrize("big", [False, True], ids=["page", "projector"])
def test_the_stakeholder_key_names_everyone_in_full(example, big):
    _, stakeholders = example
    lines = key_lines(stakeholder_chart(stakeholders, big=big))
    assert len(lines) == len(stakeholders) == 8
    for n, (key, s) in enumerate(zip(lines, stakeholders), start=1):
        assert isinstance(key, list) and 1 <= len(key) <= 2
        assert " ".join(" ".join(key).split()) == f"{n} {s.organisation}"
        assert "…" not in " ".join(key)


def test_the_sem_page_on_the_projector_steps_through_the_levels(app, ready_store, demo):
    from tests.audience.test_audience_pages import SEM, projector_app

    at = projector_app(app, SEM, demo)
    [control] = at.get("button_group")
    assert [o.content for o in control.proto.options] == [lvl.label for lvl in OUTSIDE_IN]
    sem = load_part(ready_store, demo.id, "sem")
    assert shown_svg(at) == sem_room_svg(sem, SEMLevel.societal)  # the outer ring first
    assert not at.dataframe  # no tables or editing on the projector
    at.session_state["sem-room-level"] = SEMLevel.community
    at.run()
    assert shown_svg(at) == sem_room_svg(sem, SEMLevel.community)


def shown_svg(at) -> str:
    import base64

    [image] = [image for element in at.get("image") for image in element.proto.imgs]
    return base64.b64decode(image.url.split(",", 1)[1]).decode()
