"""The organisation's logo as the exports read it: one function for every cover."""

from __future__ import annotations

import logging

from c4d.workspace import branding

PNG = b"\x89PNG\r\n\x1a\n a small logo"


def test_no_logo_until_one_is_chosen(store):
    assert branding.organisation_logo(store) is None


def test_the_chosen_logo_is_read_when_it_is_a_picture(store):
    store.set_setting(branding.LOGO_SETTING, store.add_attachment(None, "logo.png", "image/png", PNG))
    assert branding.organisation_logo(store) == PNG


def test_a_logo_that_is_not_a_picture_is_left_out(store):
    store.set_setting(branding.LOGO_SETTING, store.add_attachment(None, "logo.pdf", "application/pdf", PNG))
    assert branding.organisation_logo(store) is None


def test_a_logo_named_in_the_settings_but_no_longer_stored_is_left_out_with_a_warning(store, caplog):
    store.set_setting(branding.LOGO_SETTING, "gone")
    with caplog.at_level(logging.WARNING, logger="c4d.workspace.branding"):
        assert branding.organisation_logo(store) is None
    assert "no longer stored" in caplog.text


def test_the_workshop_report_and_the_brief_read_the_same_logo():
    from c4d.export import brief_docx, workshop_report

    assert workshop_report.organisation_logo is brief_docx.organisation_logo is branding.organisation_logo
