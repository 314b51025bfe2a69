"""'Register a draft material' through the real app (AppTest), as a browser shows it: after
each material the form is open again, empty, and says what was registered."""

from __future__ import annotations

from c4d.models import Campaign
from c4d.pretest import record
from c4d.pretest.model import MaterialType
from tests.like_a_browser import run_as_a_browser
from tests.test_pages import button, texts

MATERIALS = "worksheets/materials.py"
FORM = "Register a draft material"
TEXT = "Text (a slogan, a script, a post — optional when you attach a file)"


def field(at, label, kind="text_input"):
    """The register form's field: the first with this label (the material's own forms follow)."""
    return [w for w in getattr(at, kind) if w.label == label][0]


def form_is_open(at) -> bool:
    [area] = [e for e in at.expander if e.label == FORM]
    return bool(area.proto.expanded)


def test_materials_are_registered_one_after_another(app, ready_store):
    campaign = ready_store.create_campaign(Campaign(name="Safe Journeys"))
    at = app(MATERIALS, campaign=campaign)
    for n, (kind, title, text) in enumerate([(MaterialType.slogan, "Slogan A", "Protect your dream"),
                                             (MaterialType.poster, "Poster", "A bus stop poster, described")]):
        field(at, "Type", "selectbox").set_value(kind)
        field(at, "Title").input(title)
        field(at, TEXT, "text_area").input(text)
        run_as_a_browser(at, lambda at: button(at, "Register the material").click().run())
        assert not at.exception
        assert f"Registered {title} (v1). The form is ready for the next material." in texts(at)
        assert form_is_open(at)  # also after the first material, when the register is no longer empty
        assert field(at, "Title").value == "" and field(at, TEXT, "text_area").value == ""
        assert field(at, "Type", "selectbox").value is list(MaterialType)[0]  # the first, as on a new form
    assert [(m.type, m.title) for m in record.load(ready_store, campaign.id).materials] == [
        (MaterialType.slogan, "Slogan A"), (MaterialType.poster, "Poster")]
