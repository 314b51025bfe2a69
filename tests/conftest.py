"""Shared fixtures: every test gets its own database; page tests drive the real app."""

from __future__ import annotations

from pathlib import Path

import pytest

from c4d import access
from c4d.demo.example import load_demo
from c4d.db.store import Store

ROOT = Path(__file__).resolve().parent.parent
PASSCODE = "umbrella-2020"


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'c4d.sqlite3'}"
    monkeypatch.setenv("C4D_DATABASE_URL", url)
    monkeypatch.setenv("C4D_DATA_DIR", str(tmp_path))
    return url


@pytest.fixture
def store(db_url) -> Store:
    return Store(db_url)


@pytest.fixture
def ready_store(store) -> Store:
    """A laptop where the facilitator has set a passcode."""
    access.set_passcode(store, PASSCODE, PASSCODE)
    return store


@pytest.fixture
def demo(ready_store):
    return load_demo(ready_store)


@pytest.fixture
def app(ready_store):
    """An AppTest of the whole app (navigation and all), not yet run."""
    from streamlit.testing.v1 import AppTest

    def make(page: str | None = None, campaign=None):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        if campaign is not None:
            at.session_state["campaign_id"] = campaign.id
        at.run()
        if page is not None:
            at.switch_page(page)
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return make
