"""Vote to projector: how long after a phone's vote is acknowledged the projector shows it.

The toolkit runs as the README starts it (`c4d serve --host 127.0.0.1 --port P`) on a
data folder with the passcode set, the example campaign loaded and a twelve-option
single-choice ballot open on its PPCD session (results visible while voting runs, the
default). Chromium shows the live screen at projector size (1280×720) in projector mode,
`/live_screen?campaign=dream-umbrella&projector=1`, from this laptop (loopback, so no
passcode is asked), and waits for "0 of 39 voted".

A MutationObserver in the page notes the moment (`Date.now()`, the same system clock as
Python's `time.time()`) each new "N of 39 voted" text first appears. Then, one at a time:

- a phone vote: a simulated phone loads /j/DREAM and sends its vote; the clock starts
  when the POST's 303 answer arrives (the vote is committed before that answer);
- the baseline, interleaved with the phone votes: a vote written straight into the
  database by this process (`Store.cast_vote`, no HTTP); the clock starts when the
  commit returns. It measures what the live screen alone adds: the wait for the next
  run of its fragment (`st.fragment(run_every=1)`), the run, and the browser's render.

Either way the clock stops at the time the observer noted for the new count. Before each
sample a pause drawn uniformly from 0–1 s (fixed seed) spreads the votes over the
fragment's one-second cycle, so the samples are not phase-locked to it.

    python bench/vote_to_projector.py [--samples N]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

NAME = "vote_to_projector"
SAMPLES = 20
TARGET_P95_S = 1.5
DEADLINE_S = 30.0
SEED = 1820
REFRESH_S = 1.0  # c4d/ui.py: LIVE_SECONDS (the live screen's fragment)

# Notes the first moment each "N of M voted" text is on the page.
OBSERVER = r"""
() => {
  window.__seen = {};
  const note = () => {
    const box = document.querySelector('.st-key-live-count');
    const text = box ? box.innerText.trim() : '';
    const match = text.match(/^(\d+) of (\d+) voted/);
    if (match && !(match[1] in window.__seen)) window.__seen[match[1]] = Date.now();
  };
  new MutationObserver(note).observe(document.body, {subtree: true, childList: true, characterData: true});
  note();
}
"""

_NONCE = re.compile(r'name=nonce value="([^"]+)"')
_BALLOT = re.compile(r'name=ballot value="([^"]+)"')


async def phone_vote(port: int, choice: int) -> float:
    """Load the ballot and vote as a new phone; the wall-clock time the vote was acknowledged."""
    async with common.PhoneClient("127.0.0.1", port) as phone:
        status, _, page = await phone.request("GET", f"/j/{common.JOIN_CODE}")
        nonce, ballot = _NONCE.search(page), _BALLOT.search(page)
        if status != 200 or not nonce or not ballot:
            raise RuntimeError(f"the ballot page answered {status} without a vote form")
        status, _, _ = await phone.request("POST", f"/j/{common.JOIN_CODE}", {
            "kind": "vote", "ballot": ballot.group(1), "nonce": nonce.group(1), "o": str(choice)})
        acknowledged = time.time()
        if status != 303:
            raise RuntimeError(f"the vote was answered {status}")
        return acknowledged


def outside_the_browser_loop(coroutine: Any) -> Any:
    """Run a coroutine to its end on a thread of its own (Playwright's sync API keeps an
    event loop running on this one)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def direct_vote(store: Any, ballot: Any, n: int, choice: int) -> float:
    """Write a vote straight into the database; the wall-clock time the commit returned."""
    from c4d.voting.model import Vote

    store.cast_vote(Vote(ballot_id=ballot.id, voter_key=f"bench:direct:{n}",
                         selections=[ballot.options[choice].id]))
    return time.time()


def shown_at(page: Any, count: int) -> float:
    """Wait (with a deadline) until the projector shows `count` voters; when it first did (s)."""
    handle = page.wait_for_function(f"() => window.__seen && window.__seen['{count}']",
                                    timeout=DEADLINE_S * 1000, polling=20)
    return handle.json_value() / 1000


def run(samples: int = SAMPLES, verbose: bool = True) -> dict[str, Any]:
    from c4d.db.store import Store

    rng = random.Random(SEED)
    phone: list[float] = []
    direct: list[float] = []
    with common.scratch("c4d-bench-projector-") as work:
        data = common.prepare_data_dir(work / "data")
        store = Store(common.database_url(data))
        ballot = common.open_on_phones(store)
        eligible = len(store.participants(ballot.session_id))
        port = common.free_port()
        base = f"http://127.0.0.1:{port}"
        try:
            with common.running(common.serve_command(port), common.ROOT,
                                common.clean_env(C4D_DATA_DIR=str(data)), work / "app.log",
                                base + "/_stcore/health"), common.chromium() as browser:
                context = browser.new_context(viewport=common.PROJECTOR)
                page = context.new_page()
                page.goto(f"{base}/live_screen?campaign={common.CAMPAIGN}&projector=1")
                page.get_by_text(f"0 of {eligible} voted").wait_for(timeout=DEADLINE_S * 1000)
                page.evaluate(OBSERVER)
                for i in range(2 * samples):
                    time.sleep(rng.uniform(0, REFRESH_S))  # spread the votes over the fragment's cycle
                    choice = rng.randrange(len(ballot.options))
                    count = i + 1
                    if i % 2 == 0:
                        acknowledged = outside_the_browser_loop(phone_vote(port, choice))
                        phone.append(shown_at(page, count) - acknowledged)
                    else:
                        acknowledged = direct_vote(store, ballot, i, choice)
                        direct.append(shown_at(page, count) - acknowledged)
                    if verbose and (i + 1) % 10 == 0:
                        print(f"  {i + 1}/{2 * samples} votes shown; last took "
                              f"{(phone if i % 2 == 0 else direct)[-1] * 1000:.0f} ms", flush=True)
                final = page.locator(".st-key-live-count").inner_text().strip()
                context.close()
        finally:
            store.engine.dispose()

    def figures(values: list[float]) -> dict[str, Any]:
        return {"p50_s": common.percentile(values, 50), "p95_s": common.percentile(values, 95),
                "median_s": statistics.median(values), "min_s": min(values), "max_s": max(values),
                "n": len(values), "samples_s": [round(v, 4) for v in values]}

    result = {
        "name": NAME,
        "machine": common.machine(),
        "command": "c4d serve --host 127.0.0.1 --port <free port>",
        "page": f"/live_screen?campaign={common.CAMPAIGN}&projector=1",
        "viewport": common.PROJECTOR,
        "refresh_s": REFRESH_S,
        "final_text": final,
        "phone": figures(phone),
        "direct": figures(direct),
        "target_p95_s": TARGET_P95_S,
    }
    result["pass"] = result["phone"]["p95_s"] <= TARGET_P95_S
    common.write_result(NAME, result)
    return result


def markdown(result: dict[str, Any]) -> str:
    ph, di = result["phone"], result["direct"]

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.0f} ms"

    return "\n".join([
        "| Vote | p50 | p95 | Min | Max | n | Target (p95) | Result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
        (f"| From a phone (POST acknowledged → count on the projector) | {ms(ph['p50_s'])} | {ms(ph['p95_s'])} | "
         f"{ms(ph['min_s'])} | {ms(ph['max_s'])} | {ph['n']} | ≤ {result['target_p95_s']:g} s | "
         f"{'PASS' if result['pass'] else 'FAIL'} |"),
        (f"| Baseline: written straight to the database (commit → count on the projector) | {ms(di['p50_s'])} | "
         f"{ms(di['p95_s'])} | {ms(di['min_s'])} | {ms(di['max_s'])} | {di['n']} | — | — |"),
    ])


def console(result: dict[str, Any]) -> str:
    ph, di = result["phone"], result["direct"]
    return (f"Vote to projector: phone p50/p95 {ph['p50_s'] * 1000:.0f}/{ph['p95_s'] * 1000:.0f} ms; "
            f"straight to the database p50/p95 {di['p50_s'] * 1000:.0f}/{di['p95_s'] * 1000:.0f} ms; "
            f"{'PASS' if result['pass'] else 'FAIL'} (p95 ≤ {result['target_p95_s']:g} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=SAMPLES,
                        help=f"phone votes, and as many baseline writes (default {SAMPLES})")
    args = parser.parse_args(argv)
    if args.samples < 1:
        parser.error("--samples must be at least 1")
    print(f"Vote to projector, {args.samples} phone votes interleaved with {args.samples} direct writes:", flush=True)
    result = run(args.samples)
    print(console(result))
    print(f"Results: {common.RESULTS / (NAME + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
