"""Facilitator speed: how long the facilitator's own pages take to answer, in Chromium.

Three servers run side by side for the whole benchmark, each with its own browser tab
(1280×720, a warm session, as a facilitator's laptop has it):

- the toolkit (`c4d serve`) on the Dream Umbrella example, in a fresh data folder with
  the passcode set (so the laptop is trusted);
- the toolkit on a campaign ten times the example's size, built here with the store and
  the toolkit's commands: the example plus participants, closed ballots with their votes,
  ideas and draft materials up to 390 participants, 50 ballots, 5,000 votes, 500 ideas
  and 50 materials;
- the baseline: a bare Streamlit app (`streamlit run`, same flags) that does the
  equivalent of each action with nothing else on the page: two trivial st.Page pages
  to switch between; a text_input whose on_change writes the value to SQLite and shows
  a "Saved" toast; a button that writes a row to SQLite and reruns to show "Done N".

Every kind of sample is taken on the three in turn (example, large, baseline, example,
...), so the baseline shares the machine's load with the app. Timed:

- switching page: click a sidebar link → the new page's heading visible and the app idle
  (script not running, nothing stale on screen), over the journey's pages;
- saving one field: a creative brief box (type, leave the box) → "Saved: <box>" on
  screen; a SMART objective with one field changed, "Save objective" → "Objective N
  updated." on screen;
- ballot actions on the PPCD voting page, on a new ballot each cycle: "Open on phones",
  "Close voting" (six votes are cast through the store while it is open, untimed),
  "Reveal results …", "Adopt as campaign decision" → its message on screen and the app
  idle;
- creating a share link on the creative brief's share tab → the new link on screen and
  the app idle.

    python bench/facilitator_speed.py [--rounds N]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402

NAME = "facilitator_speed"
ROUNDS = 2  # passes over the journey's pages; the other samples scale with it
DEADLINE_MS = 60_000
TARGETS = {"switch": 1.0, "save": 0.3, "ballot": 0.5}  # p95 for switching; median for the others
LARGE_WITHIN = 1.5  # the large campaign's figure within this factor of the example's

LARGE = {"participants": 390, "ballots": 50, "votes": 5000, "ideas": 500, "materials": 50}

# The journey: (sidebar link, heading of the page it opens). Live screen left out: it is
# the projector's page and refreshes itself every second.
JOURNEY = [
    ("Overview", None), ("Workshop sessions", "Workshop sessions"), ("Participants", "Participants"),
    ("Idea board", "Idea board"), ("PPCD voting", "PPCD voting"), ("Key decisions", "Key decisions"),
    ("Sector lens", "Sector lens"), ("Audience framework", "Audience framework"),
    ("Audiences and profile", "Audiences and profile"), ("Social Ecological Model", "Social Ecological Model"),
    ("Stakeholder map", "Stakeholder map"), ("SMART objectives", "SMART objectives"),
    ("Channels and distribution", "Channels and distribution"), ("Creative brief", "Creative brief"),
    ("Draft materials", "Draft materials"), ("Pre-test scoring", "Pre-test scoring"),
    ("Pre-test results", "Pre-test results"), ("Workshop report", "Workshop report"),
]
BRIEF_BOXES = ["key_promise", "call_to_action", "slogan", "tone", "timeline", "budget"]

SETTLED = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  if (app.getAttribute("data-test-connection-state") !== "CONNECTED") return false;
  if (document.querySelector("[data-testid='stStatusWidget'] [data-testid='stStatusWidgetRunningIcon']")) return false;
  if (document.querySelector("[data-stale='true']")) return false;
  return !document.querySelector("[data-testid^='stSkeleton']");
}"""

# Counts the page's script runs (each run sends the browser a new script-run id; the
# attribute flips to "running" once per run), so a sample can say how many runs it took.
RUN_COUNTER = """() => {
  if (window.__runs !== undefined) return;
  window.__runs = 0;
  const app = document.querySelector("[data-testid='stApp']");
  let last = app.getAttribute("data-test-script-state");
  new MutationObserver(() => {
    const now = app.getAttribute("data-test-script-state");
    if (now === "running" && last !== "running") window.__runs += 1;
    last = now;
  }).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
}"""

BARE_APP = '''"""The baseline: a bare Streamlit app doing what the facilitator's actions do, and nothing else."""
import os
import sqlite3

import streamlit as st

DB = os.environ["BENCH_BASELINE_DB"]


def write(key: str, value: str) -> None:
    with sqlite3.connect(DB) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS fields (key TEXT PRIMARY KEY, value TEXT)")
        connection.execute("INSERT OR REPLACE INTO fields VALUES (?, ?)", (key, value))


def page_a() -> None:
    st.title("Page A")


def page_b() -> None:
    st.title("Page B")


def form() -> None:
    st.title("Form")

    def save() -> None:
        write("box", st.session_state["box"])
        st.session_state["saved"] = True

    st.text_input("Box", key="box", on_change=save)
    if st.session_state.pop("saved", False):
        st.toast("Saved: Box")
    if st.button("Act"):
        st.session_state["acted"] = st.session_state.get("acted", 0) + 1
        write("act", str(st.session_state["acted"]))
        st.rerun()
    if st.session_state.get("acted"):
        st.success(f"Done {st.session_state['acted']}.")


st.navigation([st.Page(page_a, title="Page A", default=True),
               st.Page(page_b, title="Page B", url_path="b"),
               st.Page(form, title="Form", url_path="form")]).run()
'''


# ---- the large campaign ----------------------------------------------------------------------

def enlarge(data_dir: Path) -> dict[str, int]:
    """Grow the example campaign in `data_dir` to LARGE's size with the store and the
    toolkit's commands; returns the counts reached."""
    from c4d.db.store import Store
    from c4d.ideas.model import Idea
    from c4d.models import OrgType, Participant, Sex
    from c4d.pretest import commands as pretest
    from c4d.pretest.model import Material, MaterialType
    from c4d.voting import model as voting
    from c4d.voting.lifecycle import close_ballot, open_ballot, reveal_results

    store = Store(common.database_url(data_dir))
    try:
        campaign = store.campaign(common.CAMPAIGN)
        session = store.session(campaign.id, common.PPCD_SESSION)
        with store.transaction():
            have = len(store.participants(session.id))
            orgs = [("Ministry of Justice", OrgType.government), ("Youth NGO", OrgType.ngo),
                    ("Provincial police", OrgType.law_enforcement), ("Radio station", OrgType.media)] \
                if hasattr(OrgType, "media") else [("Ministry of Justice", OrgType.government)]
            people = []
            for n in range(have, LARGE["participants"]):
                org, kind = orgs[n % len(orgs)]
                people.append(Participant(session_id=session.id, name=f"Bench Person-{n:03d}", organisation=org,
                                          org_type=kind, sex=Sex.woman if n % 2 else Sex.man, attendance=[1, 2]))
            store.add_participants(people)

            ballots = store.ballots(session.id)
            votes = sum(store.vote_count(b.id) for b in ballots)
            extra = LARGE["ballots"] - len(ballots)
            opened = datetime(2020, 6, 18, 9, tzinfo=timezone.utc)
            for i in range(extra):
                per = (LARGE["votes"] - votes) // (extra - i)
                ballot = open_ballot(voting.Ballot(
                    campaign_id=campaign.id, session_id=session.id, question=f"Bench question {i + 1}?",
                    method=voting.VotingMethod.single,
                    options=[voting.BallotOption(label=label) for label in common.TWELVE_GROUPS[:6]]), at=opened)
                store.save_ballot(ballot)
                for v in range(per):
                    store.cast_vote(voting.Vote(ballot_id=ballot.id, voter_key=f"bench:{i}:{v}",
                                                selections=[ballot.options[(v * 7 + i) % 6 % (1 + v % 6)].id],
                                                cast_at=opened + timedelta(seconds=v)))
                votes += per
                store.save_ballot(reveal_results(close_ballot(ballot, at=opened + timedelta(hours=1))))

            have_ideas = len(store.ideas(session.id))
            store.save_ideas([Idea(campaign_id=campaign.id, session_id=session.id,
                                   text=f"Bench idea {n}: reach young people where they look for work",
                                   voter_key=f"bench:idea:{n}", created_at=opened + timedelta(seconds=n))
                              for n in range(have_ideas, LARGE["ideas"])])

        have_materials = len(pretest.load(store, campaign.id).materials)
        for n in range(have_materials, LARGE["materials"]):
            pretest.register_material(store, campaign.id, Material(
                type=MaterialType.slogan, title=f"Bench slogan {n}", language="Mongolian",
                purpose="Campaign slogan", text=f"Slogan number {n}", created_on=date(2021, 2, 8)))

        ballots = store.ballots(session.id)
        return {"participants": len(store.participants(session.id)), "ballots": len(ballots),
                "votes": sum(store.vote_count(b.id) for b in ballots), "ideas": len(store.ideas(session.id)),
                "materials": len(pretest.load(store, campaign.id).materials)}
    finally:
        store.engine.dispose()


def example_counts(data_dir: Path) -> dict[str, int]:
    from c4d.db.store import Store
    from c4d.pretest import commands as pretest

    store = Store(common.database_url(data_dir))
    try:
        campaign = store.campaign(common.CAMPAIGN)
        session = store.session(campaign.id, common.PPCD_SESSION)
        ballots = store.ballots(session.id)
        return {"participants": len(store.participants(session.id)), "ballots": len(ballots),
                "votes": sum(store.vote_count(b.id) for b in ballots), "ideas": len(store.ideas(session.id)),
                "materials": len(pretest.load(store, campaign.id).materials)}
    finally:
        store.engine.dispose()


# ---- the browser side ------------------------------------------------------------------------

def settled(page: Any) -> None:
    page.wait_for_function(SETTLED, timeout=DEADLINE_MS, polling=10)


def runs(page: Any) -> int:
    return page.evaluate("() => window.__runs || 0")


def goto(page: Any, url: str, heading: str | None = None) -> None:
    page.goto(url)
    page.wait_for_selector("[data-testid='stApp']", timeout=DEADLINE_MS)
    if heading:
        page.locator("h1", has_text=heading).first.wait_for(timeout=DEADLINE_MS)
    settled(page)
    page.evaluate(RUN_COUNTER)


def measure(page: Any, act: Callable[[], None], shown: Callable[[], None]) -> tuple[float, float, int]:
    """(seconds until `shown` returned, seconds until the app was idle as well, script runs)."""
    before = runs(page)
    start = time.perf_counter()
    act()
    shown()
    seen = time.perf_counter() - start
    settled(page)
    idle = time.perf_counter() - start
    return seen, idle, runs(page) - before


def retried(attempts: list, what: str, action: Callable[[], Any]) -> Any:
    """`action()`, tried once more if the browser reports an error (an element replaced by a
    rerun under the benchmark's hands); each retry is noted in `attempts`."""
    try:
        return action()
    except PlaywrightError as exc:
        attempts.append(f"{what}: {str(exc).splitlines()[0][:200]}")
        return action()


def one(page: Any, locator: Any) -> Any:
    """The element `locator` finds, once the page has settled with exactly one of it (a
    rerun can leave the previous run's copy on screen for a moment)."""
    end = time.monotonic() + DEADLINE_MS / 1000
    while True:
        settled(page)
        if locator.count() == 1 or time.monotonic() > end:
            return locator.first.element_handle()
        time.sleep(0.05)


def no_toast(page: Any) -> None:
    """Untimed: wait (a while at most) until earlier toasts have gone, so the next one is new."""
    try:
        page.locator("[data-testid='stToast']").first.wait_for(state="detached", timeout=8_000)
    except Exception:  # noqa: BLE001 - a toast that lingers only makes the next wait start later
        pass


class Toolkit:
    """One facilitator's tab on one toolkit server."""

    def __init__(self, browser: Any, base: str, data_dir: Path, label: str):
        from c4d.worksheet import registered

        self.base, self.data_dir, self.label = base, data_dir, label
        self.context = browser.new_context(viewport=common.PROJECTOR)
        self.page = self.context.new_page()
        self.fold_of = {w.title: w.p_step.short_label for w in registered()}
        self.cycle = 0
        self.overview_heading = None

    def url(self, path: str) -> str:
        return f"{self.base}/{path}?campaign={common.CAMPAIGN}"

    def start(self) -> None:
        goto(self.page, self.url("overview"))
        self.overview_heading = self.page.locator("h1").first.inner_text().strip()

    # -- switching page --
    def link(self, title: str) -> Any:
        return self.page.get_by_test_id("stSidebar").get_by_role("link", name=title, exact=False).filter(
            has_text=title).first

    def switch(self, title: str, heading: str | None) -> tuple[float, float, int]:
        page = self.page
        settled(page)
        link = self.link(title)
        if not link.is_visible():  # its step's fold is closed: open it first (not timed)
            fold = page.get_by_test_id("stSidebar").get_by_test_id("stExpander").filter(
                has_text=self.fold_of[title]).first
            fold.locator("summary").first.click()
            link.wait_for(state="visible", timeout=DEADLINE_MS)
            settled(page)
        heading = heading or self.overview_heading
        return measure(page, link.click, lambda: page.locator("h1:not([data-stale='true'] h1)", has_text=heading)
                       .first.wait_for(timeout=DEADLINE_MS))

    # -- saving a field --
    def save_brief_box(self, n: int) -> tuple[float, float, int]:
        page = self.page
        if "creative_brief" not in page.url:
            goto(page, self.url("creative_brief"), "Creative brief")
        no_toast(page)
        settled(page)
        name = BRIEF_BOXES[n % len(BRIEF_BOXES)]
        label = BRIEF_LABELS[name]
        box = one(page, page.get_by_label(label, exact=True))
        box.fill(f"Bench text {self.label} {n} {time.time():.3f}")

        def leave() -> None:
            box.press("Tab")

        return measure(page, leave, lambda: page.get_by_test_id("stToast").filter(
            has_text=f"Saved: {label}").first.wait_for(timeout=DEADLINE_MS))

    def save_smart(self, n: int) -> tuple[float, float, int]:
        page = self.page
        goto(page, self.url("smart_objectives"), "SMART objectives")
        page.get_by_role("button", name="Edit").first.click()
        text = f"KAP baseline survey, 2019 (n=400) — bench {n} {time.time():.3f}"
        source = page.get_by_label("Baseline source", exact=True)
        for _ in range(20):  # the form may redraw once more after "Edit": type again until it holds
            try:
                box = one(page, source)
                box.fill(text)
                box.press("Enter")
                if one(page, source).input_value() == text:
                    break
            except PlaywrightError:
                pass
            time.sleep(0.1)
        return measure(page, lambda: page.get_by_role("button", name="Save objective").click(),
                       lambda: page.get_by_text(re.compile(r"Objective \d+ updated")).first.wait_for(
                           timeout=DEADLINE_MS))

    # -- ballot actions --
    def ballot_cycle(self) -> dict[str, tuple[float, float, int]]:
        from c4d.db.store import Store
        from c4d.voting import commands, model as voting

        self.cycle += 1
        store = Store(common.database_url(self.data_dir))
        try:
            campaign = store.campaign(common.CAMPAIGN)
            session = store.session(campaign.id, common.PPCD_SESSION)
            commands.show_nothing(store, session.id)
            ballot = store.save_ballot(voting.Ballot(
                campaign_id=campaign.id, session_id=session.id, question=f"Bench ballot {self.cycle}: which first?",
                method=voting.VotingMethod.single,
                options=[voting.BallotOption(label=label) for label in common.TWELVE_GROUPS[:4]]))
        finally:
            store.engine.dispose()
        page = self.page
        goto(page, self.url("voting"), "PPCD voting")
        page.locator("h2", has_text=f"Bench ballot {self.cycle}: which first?").first.wait_for(timeout=DEADLINE_MS)
        out = {}

        def step(button: Any, message: str) -> tuple[float, float, int]:
            settled(page)
            return measure(page, button.click, lambda: page.locator(
                "[data-testid='stAlertContentSuccess']", has_text=message).first.wait_for(timeout=DEADLINE_MS))

        out["open"] = step(page.get_by_role("button", name="Open on phones"), "Voting is open")
        store = Store(common.database_url(self.data_dir))
        try:
            from c4d.voting.model import Vote

            for v, option in enumerate([0, 0, 0, 0, 1, 2]):
                store.cast_vote(Vote(ballot_id=ballot.id, voter_key=f"bench:cycle:{self.cycle}:{v}",
                                     selections=[ballot.options[option].id]))
        finally:
            store.engine.dispose()
        out["close"] = step(page.get_by_role("button", name="Close voting"), "Voting closed")
        out["reveal"] = step(page.get_by_role("button", name=re.compile("^Reveal results")), "Results revealed")
        out["adopt"] = step(page.get_by_role("button", name="Adopt as campaign decision"), "Decision recorded")
        return out

    # -- share link --
    def share_link(self) -> tuple[float, float, int]:
        page = self.page
        goto(page, self.url("creative_brief"), "Creative brief")
        page.get_by_role("tab", name="Share with the creative partner").click()
        button = page.get_by_role("button", name="Create a share link")
        button.wait_for(timeout=DEADLINE_MS)
        settled(page)
        return measure(page, button.click, lambda: page.get_by_text("New link made").first.wait_for(
            timeout=DEADLINE_MS))


class Bare:
    """The baseline's tab on the bare Streamlit app."""

    def __init__(self, browser: Any, base: str):
        self.base = base
        self.context = browser.new_context(viewport=common.PROJECTOR)
        self.page = self.context.new_page()
        self.acted = 0
        self.typed = 0

    def start(self) -> None:
        goto(self.page, f"{self.base}/", "Page A")

    def switch(self) -> tuple[float, float, int]:
        page = self.page
        if "/form" in page.url:
            goto(page, f"{self.base}/", "Page A")
        to = "Page B" if page.locator("h1", has_text="Page A").count() else "Page A"
        settled(page)
        return measure(page, page.get_by_test_id("stSidebar").get_by_role("link", name=to).first.click,
                       lambda: page.locator("h1", has_text=to).first.wait_for(timeout=DEADLINE_MS))

    def on_form(self) -> None:
        if "/form" not in self.page.url:
            goto(self.page, f"{self.base}/form", "Form")

    def save(self) -> tuple[float, float, int]:
        page = self.page
        self.on_form()
        no_toast(page)
        settled(page)
        self.typed += 1
        box = one(page, page.get_by_label("Box", exact=True))
        box.fill(f"typed {self.typed} {time.time():.3f}")
        return measure(page, lambda: box.press("Tab"), lambda: page.get_by_test_id("stToast").filter(
            has_text="Saved: Box").first.wait_for(timeout=DEADLINE_MS))

    def act(self) -> tuple[float, float, int]:
        page = self.page
        self.on_form()
        settled(page)
        done = page.get_by_text(re.compile(r"^Done \d+\.$"))
        self.acted = int(re.sub(r"\D", "", done.first.inner_text())) + 1 if done.count() else 1  # a new session counts from 1
        return measure(page, page.get_by_role("button", name="Act").click, lambda: page.get_by_text(
            f"Done {self.acted}.", exact=True).first.wait_for(timeout=DEADLINE_MS))


BRIEF_LABELS = {
    "key_promise": "Key promise (one benefit)",
}


def brief_labels() -> dict[str, str]:
    """The creative brief page's box labels, read from its source (the page is a script)."""
    import ast

    tree = ast.parse((common.ROOT / "worksheets" / "creative_brief.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "LABELS" for t in node.targets):
            return ast.literal_eval(node.value)
    raise RuntimeError("LABELS not found in worksheets/creative_brief.py")


# ---- the run -----------------------------------------------------------------------------------

def run(rounds: int = ROUNDS, verbose: bool = True) -> dict[str, Any]:
    BRIEF_LABELS.update(brief_labels())
    kinds = ["switch", "save_brief", "save_smart", "open", "close", "reveal", "adopt", "share"]
    samples: dict[str, dict[str, list]] = {w: {k: [] for k in kinds} for w in ("example", "large")}
    base_samples: dict[str, list] = {"switch": [], "save": [], "act": []}
    retries: list[str] = []
    with common.scratch("c4d-bench-facilitator-") as work:
        example_dir = common.prepare_data_dir(work / "example")
        large_dir = work / "large"
        shutil.copytree(example_dir, large_dir)
        t0 = time.perf_counter()
        large_counts = enlarge(large_dir)
        build_s = time.perf_counter() - t0
        counts = example_counts(example_dir)
        if verbose:
            print(f"  example: {counts}; large: {large_counts} (built in {build_s:.1f} s)", flush=True)
        bare_dir = work / "bare"
        bare_dir.mkdir()
        (bare_dir / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
        config = common.ROOT / ".streamlit" / "config.toml"
        if config.is_file():
            (bare_dir / ".streamlit").mkdir()
            shutil.copy2(config, bare_dir / ".streamlit" / "config.toml")

        ports = {w: common.free_port() for w in ("example", "large", "bare")}
        health = {w: f"http://127.0.0.1:{p}/_stcore/health" for w, p in ports.items()}
        bare_cmd = [sys.executable, "-m", "streamlit", "run", str(bare_dir / "bare_app.py"),
                    "--server.address", "127.0.0.1", "--server.port", str(ports["bare"]), *common.STREAMLIT_FLAGS]
        with common.running(common.serve_command(ports["example"]), common.ROOT,
                            common.clean_env(C4D_DATA_DIR=str(example_dir)), work / "example.log", health["example"]), \
                common.running(common.serve_command(ports["large"]), common.ROOT,
                               common.clean_env(C4D_DATA_DIR=str(large_dir)), work / "large.log", health["large"]), \
                common.running(bare_cmd, bare_dir, common.clean_env(BENCH_BASELINE_DB=str(work / "bare.sqlite3")),
                               work / "bare.log", health["bare"]), \
                common.chromium() as browser:
            apps = {"example": Toolkit(browser, f"http://127.0.0.1:{ports['example']}", example_dir, "example"),
                    "large": Toolkit(browser, f"http://127.0.0.1:{ports['large']}", large_dir, "large")}
            bare = Bare(browser, f"http://127.0.0.1:{ports['bare']}")
            for tab in (*apps.values(), bare):
                tab.start()
            # Warm-up, untimed: each page of the journey once on each app (first imports, caches).
            for title, heading in JOURNEY:
                for tab in apps.values():
                    tab.switch(title, heading)
            bare.switch()

            def note(what: str, sample: tuple[float, float, int]) -> None:
                if verbose:
                    print(f"    {what}: shown {sample[0] * 1000:.0f} ms, idle {sample[1] * 1000:.0f} ms, "
                          f"{sample[2]} run(s)", flush=True)

            for r in range(rounds):
                if verbose:
                    print(f"  round {r + 1}/{rounds}: switching pages", flush=True)
                for title, heading in JOURNEY:
                    for which, tab in apps.items():
                        samples[which]["switch"].append([title, *retried(retries, f"{which} {title}",
                                                                          lambda: tab.switch(title, heading))])
                    base_samples["switch"].append(bare.switch())
                    if verbose:
                        print(f"    {title}: example {samples['example']['switch'][-1][2] * 1000:.0f} ms, "
                              f"large {samples['large']['switch'][-1][2] * 1000:.0f} ms, "
                              f"baseline {base_samples['switch'][-1][1] * 1000:.0f} ms", flush=True)
                if verbose:
                    print(f"  round {r + 1}/{rounds}: saving fields, ballot actions, share links", flush=True)
                for n in range(3):
                    for which, tab in apps.items():
                        samples[which]["save_brief"].append(retried(retries, f"{which} brief box",
                                                                   lambda: tab.save_brief_box(r * 3 + n)))
                        note(f"{which} brief box", samples[which]["save_brief"][-1])
                    base_samples["save"].append(bare.save())
                    note("baseline save", base_samples["save"][-1])
                for n in range(2):
                    for which, tab in apps.items():
                        samples[which]["save_smart"].append(retried(retries, f"{which} SMART",
                                                                   lambda: tab.save_smart(r * 2 + n)))
                        note(f"{which} SMART", samples[which]["save_smart"][-1])
                    base_samples["save"].append(bare.save())
                for n in range(2):
                    for which, tab in apps.items():
                        for action, sample in retried(retries, f"{which} ballot", tab.ballot_cycle).items():
                            samples[which][action].append(sample)
                            note(f"{which} {action}", sample)
                        base_samples["act"].append(bare.act())
                    for which, tab in apps.items():
                        samples[which]["share"].append(retried(retries, f"{which} share", tab.share_link))
                        note(f"{which} share link", samples[which]["share"][-1])
                    base_samples["act"].append(bare.act())
                    note("baseline act", base_samples["act"][-1])
            browser_version = browser.version

    def figures(values: list[float]) -> dict[str, Any]:
        return {"p50_s": common.percentile(values, 50), "p95_s": common.percentile(values, 95),
                "median_s": statistics.median(values), "min_s": min(values), "max_s": max(values),
                "n": len(values), "samples_s": [round(v, 4) for v in values]}

    def block(rows: list) -> dict[str, Any]:
        shown = [r[-3] for r in rows]
        idle = [r[-2] for r in rows]
        script_runs = [r[-1] for r in rows]
        return {"shown": figures(shown), "idle": figures(idle), "runs_median": statistics.median(script_runs),
                "runs": script_runs}

    result: dict[str, Any] = {
        "name": NAME, "machine": common.machine(), "chromium_reported_by_playwright": browser_version,
        "command": "c4d serve --host 127.0.0.1 --port <free port>",
        "baseline_command": "python -m streamlit run bare_app.py --server.address 127.0.0.1 "
                            "--server.port <free port> " + " ".join(common.STREAMLIT_FLAGS),
        "baseline_app": BARE_APP, "viewport": common.PROJECTOR, "rounds": rounds,
        "example_counts": counts, "large_counts": large_counts, "large_build_s": build_s,
        "targets": TARGETS, "large_within": LARGE_WITHIN,
        "journey": [t for t, _ in JOURNEY], "retries": retries,
        "baseline": {k: block(v) for k, v in base_samples.items()},
    }
    for which in ("example", "large"):
        result[which] = {k: block(v) for k, v in samples[which].items()}
        result[which]["switch_per_page"] = {
            title: [round(r[2], 4) for r in samples[which]["switch"] if r[0] == title] for title, _ in JOURNEY}
    result["checks"] = checks(result)
    result["pass"] = all(c["pass"] for c in result["checks"])
    common.write_result(NAME, result)
    return result


# (what, kind, figure ('shown' or 'idle'), statistic, baseline kind, target key)
MEASURES = [
    ("Switching page: sidebar link → heading visible and app idle", "switch", "idle", "baseline switch",
     "switch"),
    ("Saving a creative brief box: leave the box → \"Saved\" on screen", "save_brief", "shown", "save", "save"),
    ("Saving a SMART objective (one field changed): Save → \"updated\" on screen", "save_smart", "shown", "save",
     "save"),
    ("Ballot: Open on phones → message, app idle", "open", "idle", "act", "ballot"),
    ("Ballot: Close voting → message, app idle", "close", "idle", "act", "ballot"),
    ("Ballot: Reveal results → message, app idle", "reveal", "idle", "act", "ballot"),
    ("Ballot: Adopt as campaign decision → message, app idle", "adopt", "idle", "act", "ballot"),
    ("Creating a share link → new link on screen, app idle", "share", "idle", "act", None),
]
BASELINE_WHAT = {"baseline switch": "bare st.Page switch", "save": "bare text_input → SQLite → \"Saved\" toast",
                 "act": "bare button → SQLite → rerun → message"}


def statistic_of(kind: str) -> str:
    return "p95_s" if kind == "switch" else "median_s"


def checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for what, kind, figure, base_kind, target in MEASURES:
        stat = statistic_of(kind)
        base_key = "switch" if base_kind == "baseline switch" else base_kind
        base = result["baseline"][base_key][figure if base_key != "switch" else "idle"]
        ex = result["example"][kind][figure]
        lg = result["large"][kind][figure]
        row = {"what": what, "kind": kind, "figure": figure, "statistic": stat,
               "example": ex[stat], "example_median": ex["median_s"], "example_p95": ex["p95_s"], "n": ex["n"],
               "large": lg[stat], "large_median": lg["median_s"], "large_p95": lg["p95_s"],
               "baseline_what": BASELINE_WHAT[base_kind], "baseline": base[stat], "baseline_median": base["median_s"],
               "ratio": common.ratio(ex[stat], base[stat]), "large_ratio": common.ratio(lg[stat], ex[stat]),
               "runs": result["example"][kind]["runs_median"], "large_runs": result["large"][kind]["runs_median"],
               "target_s": TARGETS.get(target) if target else None}
        row["pass_example"] = row["target_s"] is None or row["example"] <= row["target_s"]
        row["pass_large"] = (row["target_s"] is None or row["large"] <= row["target_s"]) and \
            row["large_ratio"] <= LARGE_WITHIN
        row["pass"] = row["pass_example"] and row["pass_large"]
        out.append(row)
    return out


def ms(value: float) -> str:
    return common.seconds(value)


def markdown(result: dict[str, Any]) -> str:
    lines = ["| Measurement | Statistic | Example: median | Example: p95 | Baseline | Baseline figure | Ratio | "
             "Script runs | Target | Example | Large: median | Large: p95 | Large ÷ example | Large |",
             "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | --- |"]
    for c in result["checks"]:
        target = f"≤ {c['target_s']:g} s" if c["target_s"] else "—"
        lines.append(
            f"| {c['what']} | {'p95' if c['statistic'] == 'p95_s' else 'median'} | {ms(c['example_median'])} | "
            f"{ms(c['example_p95'])} | {c['baseline_what'].replace('|', '/')} | {ms(c['baseline'])} | "
            f"{c['ratio']:.1f}× | {c['runs']:g} | {target} | {'PASS' if c['pass_example'] else 'FAIL'} | "
            f"{ms(c['large_median'])} | {ms(c['large_p95'])} | {c['large_ratio']:.2f}× | "
            f"{'PASS' if c['pass_large'] else 'FAIL'} |")
    return "\n".join(lines)


def per_page(result: dict[str, Any]) -> str:
    lines = ["| Page | Example: median | Large: median |", "| --- | ---: | ---: |"]
    for title in result["journey"]:
        ex = result["example"]["switch_per_page"][title]
        lg = result["large"]["switch_per_page"][title]
        lines.append(f"| {title} | {ms(statistics.median(ex))} | {ms(statistics.median(lg))} |")
    return "\n".join(lines)


def section(result: dict[str, Any]) -> str:
    ex, lg = result["example_counts"], result["large_counts"]
    verdict = "PASS" if result["pass"] else "FAIL"
    return f"""## Facilitator speed: {verdict} (targets: page switch p95 ≤ {TARGETS['switch']:g} s; saving a field ≤ {TARGETS['save']:g} s; ballot actions ≤ {TARGETS['ballot']:g} s; ten times the example within {LARGE_WITHIN:g}× of it)

**What is timed:** the facilitator's own pages in Chromium at {result['viewport']['width']}×{result['viewport']['height']}, one warm
tab per server, served by `{result['command']}`. Two toolkit servers run side by side:
one on the Dream Umbrella example ({ex['participants']} participants, {ex['ballots']} ballots, {ex['votes']} votes,
{ex['ideas']} ideas, {ex['materials']} materials in the PPCD session and pre-test register), one on the same campaign
grown with the store and the toolkit's commands to {lg['participants']} participants, {lg['ballots']} ballots,
{lg['votes']} votes, {lg['ideas']} ideas and {lg['materials']} materials ("large"). Every page of the journey
({len(result['journey'])} pages, all but the live screen) is visited once on each before timing. Then, for
{result['rounds']} rounds: a click on each page's sidebar link (timed until the new page's heading is visible and
the app is idle: script not running, nothing stale); a brief box typed and left (until
"Saved: …" is on screen); a SMART objective edited in one field and saved (until
"Objective N updated." is on screen); on a new ballot each cycle, "Open on phones",
"Close voting" (six votes cast through the store while it is open, untimed), "Reveal
results …" and "Adopt as campaign decision" (each until its message is on screen and the
app is idle); and "Create a share link" on the brief's share tab. "Script runs" counts the
page's script runs during the action (median), from the app's script-state attribute.

**Baseline, interleaved (example, large, baseline, …):** a bare Streamlit app started with
`{result['baseline_command']}`: a switch between two
`st.Page` pages holding only a title; a `text_input` whose `on_change` writes the value to
SQLite and shows a "Saved" toast; a button that writes a row to SQLite and reruns to show
a message (the baseline for the ballot actions and the share link). Page switching is
judged on its p95 over every page and round, the rest on their medians. The machine was
shared with other work while this ran (this section: {result['machine']['date']}, load average at
its end {result['machine']['load_average']} on {result['machine']['cpus']} CPUs){retry_note(result)}.

{markdown(result)}

Page switch, median per page:

{per_page(result)}"""


def retry_note(result: dict[str, Any]) -> str:
    retries = result.get("retries") or []
    if not retries:
        return ""
    return (f"; {len(retries)} action(s) had to be tried again after a browser error, "
            f"e.g. {retries[0].replace('|', '/').rstrip('.')}")


def console(result: dict[str, Any]) -> str:
    out = ["Facilitator speed:"]
    for c in result["checks"]:
        stat = "p95" if c["statistic"] == "p95_s" else "median"
        out.append(f"  {c['what']}: {stat} example {ms(c['example'])}, large {ms(c['large'])} "
                   f"({c['large_ratio']:.2f}×), baseline {ms(c['baseline'])} (ratio {c['ratio']:.1f}×), "
                   f"runs {c['runs']:g}; {'PASS' if c['pass'] else 'FAIL'}")
    out.append(f"  overall: {'PASS' if result['pass'] else 'FAIL'}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"rounds (default {ROUNDS})")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    print(f"Facilitator speed, {args.rounds} round(s):", flush=True)
    result = run(args.rounds)
    print(console(result))
    print(f"Results: {common.RESULTS / (NAME + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
