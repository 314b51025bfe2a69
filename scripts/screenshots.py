"""Take the screenshots the README and user guide show, from the real app with the
Dream Umbrella example, at projector and phone sizes.

    .venv/bin/python scripts/screenshots.py      # writes docs/images/*.png
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from c4d import access  # noqa: E402
from c4d.demo.example import load_demo  # noqa: E402
from c4d.db.store import Store  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, PHONE, PROJECTOR, start_app, stop_app  # noqa: E402
from tests.browser.streamlit_page import wait_for_app  # noqa: E402

OUT = ROOT / "docs" / "images"
SHOTS = [
    # name, path, viewport, text to wait for, projector mode
    ("campaigns", "/", PROJECTOR, "Load the Dream Umbrella example", False),
    ("overview", "/overview?campaign=dream-umbrella", PROJECTOR, "Next suggested action", False),
    ("overview-projector", "/overview?campaign=dream-umbrella&projector=1", PROJECTOR, "Next suggested action", True),
    ("sessions", "/sessions?campaign=dream-umbrella", PROJECTOR, "Workshop sessions", False),
    ("participants", "/participants?campaign=dream-umbrella", PROJECTOR, "Register", False),
    ("decisions", "/decisions?campaign=dream-umbrella", PROJECTOR, "Trafficking for sexual exploitation", False),
    ("report", "/report?campaign=dream-umbrella", PROJECTOR, "What the report contains", False),
    ("participants-phone", "/participants?campaign=dream-umbrella", PHONE, "29 women", False),
    ("voting", "/voting?campaign=dream-umbrella", PROJECTOR, "Which media will reach", False),
    ("ideas", "/ideas?campaign=dream-umbrella", PROJECTOR, "Idea board", False),
    ("live-screen-projector", "/live_screen?campaign=dream-umbrella&projector=1", PROJECTOR, "voted", True),
    ("phone-ballot", "/j/DREAM", PHONE, "Which media will reach", False),
    ("audience-framework-projector", "/audience_framework?campaign=dream-umbrella&projector=1", PROJECTOR,
     "Leave projector mode", True),
    ("sem-projector", "/sem?campaign=dream-umbrella&projector=1", PROJECTOR, "Leave projector mode", True),
    ("smart-objectives", "/smart_objectives?campaign=dream-umbrella", PROJECTOR, "SMART objectives", False),
    ("creative-brief", "/creative_brief?campaign=dream-umbrella", PROJECTOR, "Creative brief", False),
    ("materials", "/materials?campaign=dream-umbrella", PROJECTOR, "Draft materials", False),
    ("pretest-results", "/pretest_results?campaign=dream-umbrella", PROJECTOR, "Pre-test results", False),
    ("pretest-results-projector", "/pretest_results?campaign=dream-umbrella&projector=1", PROJECTOR,
     "Pre-test results", True),
]


def open_a_ballot(store: Store) -> None:
    """A media ballot open on the PPCD's phones with a dozen votes, as in the workshop."""
    from c4d.voting.lifecycle import open_ballot
    from c4d.voting.model import Vote
    from c4d.voting.templates import ballot_from_template
    from c4d.voting.commands import show_ballot

    campaign = store.campaign("dream-umbrella")
    ppcd = store.session(campaign.id, "ppcd-2020")
    ballot = open_ballot(ballot_from_template("media", campaign.id, ppcd.id))
    store.save_ballot(ballot)
    show_ballot(store, ballot)
    for n in range(12):
        dots = {ballot.options[(n + k) % 3 if k < 2 else n % len(ballot.options)].id: 1 for k in range(3)}
        store.cast_vote(Vote(ballot_id=ballot.id, voter_key=f"screenshot:{n}", dots=dots))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp())
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    access.set_passcode(store, "screenshots", "screenshots")
    load_demo(store)
    open_a_ballot(store)
    store.engine.dispose()
    process, base = start_app(data)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            for name, path, viewport, wait_text, _ in SHOTS:
                page = browser.new_page(viewport=viewport)
                page.goto(base + path)
                expect(page.get_by_text(wait_text).first).to_be_visible(timeout=30_000)
                if not path.startswith("/j/"):
                    wait_for_app(page)
                page.wait_for_timeout(800)  # let charts finish their entry animation
                page.screenshot(path=str(OUT / f"{name}.png"))
                page.close()
                print("wrote", OUT / f"{name}.png")
            browser.close()
    finally:
        stop_app(process)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
