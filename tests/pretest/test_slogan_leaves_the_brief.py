"""A slogan dropped at the pre-test leaves the creative brief's draft, with a note in the
brief's revision history, in the same transaction as the decision (issue 17)."""

from __future__ import annotations

from datetime import date

import pytest

from c4d.brief.commands import update_fields
from c4d.brief.compose import load_fields
from c4d.db.store import Store
from c4d.pretest import commands
from c4d.pretest.model import Material, MaterialType, PretestError
from tests.fixtures_store import add_campaign

DAY = date(2021, 3, 4)


@pytest.fixture
def db() -> Store:
    return Store("sqlite://")


@pytest.fixture
def campaign(db):
    return add_campaign(db, "Dream Umbrella")


def slogan(words: str, title: str = "Slogan A") -> Material:
    return Material(type=MaterialType.slogan, title=title, text=words)


def test_a_dropped_slogan_leaves_the_brief_with_a_revision_note(db, campaign):
    update_fields(db, campaign.id, slogan="Your dream, your umbrella", key_promise="Safe work abroad")
    material = commands.register_material(db, campaign.id, slogan("  your dream,  your UMBRELLA "))
    commands.record_decision(db, campaign.id, material.id, "drop", "Read as an insurance advert.", DAY)
    fields = load_fields(db, campaign.id)
    assert fields.slogan == "" and fields.key_promise == "Safe work abroad"
    [note] = fields.revisions
    assert note.when == DAY
    assert "Pre-test" in note.what and "Slogan A" in note.what
    assert "Your dream, your umbrella" in note.change and "Read as an insurance advert." in note.change


def test_a_kept_or_other_slogan_leaves_the_brief_as_it_is(db, campaign):
    update_fields(db, campaign.id, slogan="Check before you go")
    kept = commands.register_material(db, campaign.id, slogan("Check before you go"))
    other = commands.register_material(db, campaign.id, slogan("Your dream, your umbrella", "Slogan B"))
    poster = commands.register_material(db, campaign.id, Material(type=MaterialType.poster, title="Poster",
                                                                  text="Check before you go"))
    commands.record_decision(db, campaign.id, kept.id, "keep", "Clear to everyone.", DAY)
    commands.record_decision(db, campaign.id, other.id, "drop", "Confusing.", DAY)
    commands.record_decision(db, campaign.id, poster.id, "drop", "Too busy.", DAY)
    fields = load_fields(db, campaign.id)
    assert fields.slogan == "Check before you go" and fields.revisions == []


def test_an_earlier_version_of_the_dropped_slogan_leaves_the_brief_too(db, campaign):
    update_fields(db, campaign.id, slogan="Dream big")
    first = commands.register_material(db, campaign.id, slogan("Dream big"))
    second = commands.add_version(db, campaign.id, first.id, "Shorter", text="Dream")
    commands.record_decision(db, campaign.id, second.id, "drop", "Nobody understood it.", DAY)
    assert load_fields(db, campaign.id).slogan == ""


def test_a_refused_decision_leaves_the_brief_as_it_was(db, campaign):
    update_fields(db, campaign.id, slogan="Dream big")
    material = commands.register_material(db, campaign.id, slogan("Dream big"))
    with pytest.raises(PretestError):
        commands.record_decision(db, campaign.id, material.id, "drop", "x" * 100_000, DAY)
    fields = load_fields(db, campaign.id)
    assert fields.slogan == "Dream big" and fields.revisions == []
