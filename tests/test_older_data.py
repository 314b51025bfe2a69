"""Data made before the package was reshaped into one folder per tool still opens.

`tests/data/before-reshape.sqlite3.gz` is the data folder's database of a laptop that
loaded the Dream Umbrella example with the toolkit as it was before the reshape (commit
104190b); `before-reshape.c4d.json.gz` is that toolkit's backup of the same campaign.
Today's toolkit must open the one and import the other to the very same campaign.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from c4d import backup
from c4d.db.store import Store
from c4d.export import workshop_report

DATA = Path(__file__).resolve().parent / "data"
CAMPAIGN = "Dream Umbrella — Мөрөөдлийн шүхэр"
# What the toolkit before the reshape listed for this database (read with that toolkit).
SESSIONS = [("ppcd-2020", 39, 4, 9), ("media-camp-1-2020", 0, 0, 0), ("pretest-ulaanbaatar-2021", 0, 0, 0),
            ("pretest-darkhan-uul-2021", 0, 0, 0), ("media-camp-2-2021", 0, 0, 0), ("launch-2021", 0, 0, 0)]
WORKSHEETS = ["audience_framework", "audience_profile", "audiences", "channels", "creative_brief",
              "creative_brief_versions", "pretest", "sector_lens", "sem", "smart_objectives", "stakeholders"]


@pytest.fixture
def old_store(tmp_path) -> Store:
    database = tmp_path / "c4d.sqlite3"
    with gzip.open(DATA / "before-reshape.sqlite3.gz") as packed, database.open("wb") as out:
        shutil.copyfileobj(packed, out)
    return Store(f"sqlite:///{database}")


def old_backup() -> bytes:
    return gzip.decompress((DATA / "before-reshape.c4d.json.gz").read_bytes())


def listing(store: Store) -> list:
    [campaign] = store.campaigns(include_archived=True)
    sessions = [(s.slug, len(store.participants(s.id)), len(store.ballots(s.id)), len(store.ideas(s.id)))
                for s in store.sessions(campaign.id)]
    return [campaign.name, campaign.slug, sessions, len(store.decisions(campaign.id)),
            sorted(store.worksheets(campaign.id)), len(store.campaign_votes(campaign.id))]


def comparable(document: dict) -> dict:
    """A backup document without what differs between two exports of the same campaign."""
    return {k: v for k, v in document.items() if k not in ("app_version", "exported_at")}


def test_a_data_folder_from_before_the_reshape_shows_the_same_campaign(old_store):
    assert listing(old_store) == [CAMPAIGN, "dream-umbrella", SESSIONS, 5, WORKSHEETS, 145]


def test_a_data_folder_from_before_the_reshape_backs_up_to_what_that_toolkit_wrote(old_store):
    before, _ = backup.read_backup(old_backup())
    now = json.loads(backup.export_campaign(old_store, "dream-umbrella")[1])
    assert comparable(now) == comparable(before)


def test_a_backup_from_before_the_reshape_imports_to_the_same_campaign(store):
    campaign = backup.import_campaign(store, old_backup())
    assert campaign.name == CAMPAIGN
    assert listing(store) == [CAMPAIGN, "dream-umbrella", SESSIONS, 5, WORKSHEETS, 145]
    before, _ = backup.read_backup(old_backup())
    assert comparable(json.loads(backup.export_campaign(store, campaign.id)[1])) == comparable(before)


def test_the_old_database_still_makes_its_workshop_report(old_store):
    for slug, *_ in SESSIONS:
        data = workshop_report.build_workshop_report(old_store, "dream-umbrella", slug)
        assert data[:2] == b"PK" and len(data) > 10_000, slug
