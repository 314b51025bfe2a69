"""Every Word document the toolkit writes for the Dream Umbrella example, rendered by
LibreOffice as a reader would open it: it opens, its pages are counted, its Mongolian
Cyrillic survives, every picture has alt text, and the one-page summary is one page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from c4d.export.pretest_report import build_pretest_report
from tests.rendering import pictures_without_alt_text, render

SESSIONS = ("ppcd-2020", "media-camp-1-2020", "pretest-ulaanbaatar-2021", "pretest-darkhan-uul-2021",
            "media-camp-2-2021", "launch-2021")
NAME = "Мөрөөдлийн шүхэр"


def c4d(data_dir: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("C4D_")} | {"C4D_DATA_DIR": str(data_dir)}
    subprocess.run([str(Path(sys.executable).with_name("c4d")), *args], env=env, check=True, capture_output=True,
                   timeout=300)


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("documents")
    data = folder / "data"
    c4d(data, "demo")
    for session in SESSIONS:
        c4d(data, "export", "report", "dream-umbrella", "--session", session, "-o", str(folder / f"{session}.docx"))
    c4d(data, "export", "brief", "dream-umbrella", "-o", str(folder / "brief.docx"))
    c4d(data, "export", "brief", "dream-umbrella", "--summary", "-o", str(folder / "brief-summary.docx"))
    made = {path.stem: path.read_bytes() for path in folder.glob("*.docx")}
    from c4d.db.store import Store

    made["pretest-report"] = build_pretest_report(Store(f"sqlite:///{data / 'c4d.sqlite3'}"), "dream-umbrella")
    return made


@pytest.fixture(scope="module")
def rendered(documents, tmp_path_factory):
    return render(documents, tmp_path_factory.mktemp("pdf"))


def test_every_document_is_written(documents):
    assert sorted(documents) == sorted([*SESSIONS, "brief", "brief-summary", "pretest-report"])


def test_every_document_renders_with_its_mongolian_name(rendered):
    for name, document in rendered.items():
        assert document.pages >= 1, name
        assert NAME in " ".join(document.text.split()), f"{name}: the campaign's Mongolian name did not render"


def test_the_brief_summary_is_one_page_and_the_full_brief_longer(rendered):
    assert rendered["brief-summary"].pages == 1
    assert rendered["brief"].pages > 1


def test_every_picture_has_alt_text(documents, tmp_path):
    for name, data in documents.items():
        assert pictures_without_alt_text(data, tmp_path) == [], name
