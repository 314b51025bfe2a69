"""User text shown through Streamlit's markdown shows as typed: never a link, an icon,
formatting or HTML (the rendering itself is checked in a real Chromium, in
tests/browser/test_workspace_in_chromium.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, strategies as st

from c4d.ui import plain

INVISIBLE = "\u2060"


def as_read(markdown: str) -> str:
    """What a reader sees of plain()'s output: escapes resolved, invisible joiners gone."""
    return re.sub(r"\\(.)", r"\1", markdown.replace("  \n", "\n")).replace(INVISIBLE, "")


@given(st.text(max_size=300))
def test_a_reader_sees_exactly_what_was_typed(text):
    assert as_read(plain(text)) == text


@given(st.text(max_size=300))
def test_no_markdown_syntax_survives(text):
    shown = plain(text)
    unescaped = re.sub(r"\\.", "", shown)
    assert not re.search(r"[`*_\[\]<>#|~$]", unescaped)


def test_addresses_and_icon_codes_are_broken_up():
    for typed, pattern in [
        ("see http://evil.example/x", "http://"),
        ("HTTPS://EVIL.EXAMPLE", "HTTPS://"),
        ("www.evil.example", "www."),
        ("WWW.EVIL.EXAMPLE", "WWW."),
        ("write to me@evil.example", "@evil"),
        (":material/home: icon", ":material"),
    ]:
        shown = plain(typed)
        assert pattern not in shown.replace("\\", ""), typed


def test_ordinary_text_is_untouched_but_for_punctuation():
    assert plain("Мөрөөдлийн шүхэр") == "Мөрөөдлийн шүхэр"
    assert plain("Young women 18-27") == "Young women 18\\-27"
    assert plain("line one\nline two") == "line one  \nline two"
    assert "\u2060" not in plain("39 participants: 29 women, 10 men; see p.4 or ask a@ team")


@pytest.mark.parametrize("typed, shown", [
    ("Students with part-time jobs", "Students with part-time jobs"),  # nothing markdown would change
    ("Малчид (herders), 18–27", "Малчид (herders), 18–27"),
    ("**bold** <b>x</b> [a](http://b)", None),  # escaped like any user text
    ("1. first", None),
    ("www.example.org", None),
])
def test_a_widget_label_is_as_typed_unless_markdown_would_change_it(typed, shown):
    from c4d import ui

    assert ui.widget_label(typed) == (shown if shown is not None else ui.plain(typed))
