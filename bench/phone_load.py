"""Phones under load: 300 simulated phones, 50 at a time, each loading the ballot and voting.

Three servers run on loopback for the whole benchmark:

- the toolkit as the README starts it (`c4d serve --host 127.0.0.1 --port P`), with
  `C4D_DATA_DIR` holding the example campaign and a twelve-option single-choice ballot
  open on its PPCD session (join code DREAM);
- ceiling 1, the same server with a do-nothing route: bench/same_server_app.py builds
  the toolkit's st.App (app.py, the participant routes) plus `/bench/noop`, started with
  `python -m streamlit run` and the same server flags as `c4d serve`;
- ceiling 2, the same do-nothing route in a bare Starlette app under plain uvicorn
  (`python -m uvicorn noop_routes:bare`), uvicorn's defaults as Streamlit uses them
  (asyncio loop, h11, no access log).

A simulated phone walks the pages as a phone does, on its own keep-alive connection
and with its own cookies: GET the ballot (which sets the signed device cookie and
carries the form's nonce), POST the form with one option chosen at random, follow the
303 to the thank-you page. On the do-nothing route it walks the same three requests
with a form body of the same size. The phones are coroutines in this process speaking
HTTP/1.1 over asyncio streams (common.PhoneClient, `Accept-Encoding: gzip` like a
browser): httpx's connection pool was tried first and spent more CPU per request than
the servers under test (about 150–600 requests/s against the do-nothing route at 50
connections on this machine), so it would have measured the client.

Each round sends 300 phones, at most 50 at once, at one server; a round of votes goes
to a fresh ballot (the previous one is closed by opening the next, as the facilitator's
page does), so the count check is exact: the ballot holds 300 votes, from 300 voters,
with per-option totals equal to what the phones sent, and every phone got its thank-you
page. Rounds rotate through the three servers (votes, ceiling 1, ceiling 2) REPEATS
times after one untimed warm-up round of 50 phones each. Reported: medians over the
rounds of the total time, the throughput (phones/s; one vote per phone) and the p50/p95
latencies (the POST alone, and the whole phone: GET + POST + thank-you).

The rate limiter of the participant pages keys by address and device; each phone has
a fresh device cookie, so the default limiter (12 sends in 10 s per device) applies
unchanged. New phones are also limited per address (6 in 10 minutes), except from the
laptop itself; these phones all come from 127.0.0.1, while real phones each have an
address of their own on the laptop's Wi-Fi, so neither case is ever held back.

    python bench/phone_load.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

NAME = "phone_load"
PHONES = 300
AT_ONCE = 50
REPEATS = 3
WARM_UP = 50
TARGET_RATIO = 0.5  # vote throughput / the do-nothing route in the same server
TARGET_P95_S = 0.100  # the POST that carries the vote
THANKS = "Thank you — your vote is counted."
TIMEOUT_S = 60.0
SEED = 20200618

_NONCE = re.compile(r'name=nonce value="([^"]+)"')
_BALLOT = re.compile(r'name=ballot value="([^"]+)"')
_OPTION = re.compile(r"<input type=radio name=o value=(\d+)")


@dataclass
class Phone:
    ok: bool
    post_s: float
    phone_s: float
    choice: int | None = None
    problem: str = ""


async def vote_phone(port: int, code: str, rng: random.Random) -> Phone:
    """One phone: load the ballot, vote for a random option, read the thank-you page."""
    async with common.PhoneClient("127.0.0.1", port) as phone:
        start = time.perf_counter()
        status, _, page = await phone.request("GET", f"/j/{code}")
        if status != 200 or "c4d_device" not in phone.cookies:
            return Phone(False, 0, 0, problem=f"ballot page answered {status}")
        nonce, ballot = _NONCE.search(page), _BALLOT.search(page)
        options = _OPTION.findall(page)
        if not nonce or not ballot or not options:
            return Phone(False, 0, 0, problem="the ballot page has no vote form")
        choice = rng.randrange(len(options))
        sent = time.perf_counter()
        status, headers, _ = await phone.request("POST", f"/j/{code}", {
            "kind": "vote", "ballot": ballot.group(1), "nonce": nonce.group(1), "o": str(choice)})
        posted = time.perf_counter()
        if status != 303:
            return Phone(False, 0, 0, problem=f"the vote was answered {status}")
        status, _, thanks = await phone.request("GET", headers["location"])
        done = time.perf_counter()
        if status != 200 or THANKS not in thanks:
            return Phone(False, 0, 0, problem="no thank-you page after the vote")
        return Phone(True, posted - sent, done - start, choice)


async def noop_phone(port: int, form: dict[str, str]) -> Phone:
    """The same three requests against the do-nothing route."""
    async with common.PhoneClient("127.0.0.1", port) as phone:
        start = time.perf_counter()
        first, _, _ = await phone.request("GET", "/bench/noop")
        sent = time.perf_counter()
        status, headers, _ = await phone.request("POST", "/bench/noop", form)
        posted = time.perf_counter()
        if first != 200 or status != 303:
            return Phone(False, 0, 0, problem=f"noop answered {first}/{status}")
        again, _, _ = await phone.request("GET", headers["location"])
        done = time.perf_counter()
        if again != 200:
            return Phone(False, 0, 0, problem=f"noop redirect answered {again}")
        return Phone(True, posted - sent, done - start)


async def _crowd(make_phone, phones: int, at_once: int) -> tuple[float, list[Phone]]:
    gate = asyncio.Semaphore(at_once)

    async def one() -> Phone:
        async with gate:
            try:
                return await asyncio.wait_for(make_phone(), TIMEOUT_S)
            except Exception as error:  # a dropped connection or a timeout: a failed phone
                return Phone(False, 0, 0, problem=f"{type(error).__name__}: {error}")

    start = time.perf_counter()
    results = await asyncio.gather(*(one() for _ in range(phones)))
    return time.perf_counter() - start, list(results)


def crowd_of_voters(port: int, phones: int = PHONES, at_once: int = AT_ONCE,
                    seed: int = SEED) -> tuple[float, list[Phone]]:
    rng = random.Random(seed)
    return asyncio.run(_crowd(lambda: vote_phone(port, common.JOIN_CODE, rng), phones, at_once))


def crowd_on_noop(port: int, form: dict[str, str], phones: int = PHONES,
                  at_once: int = AT_ONCE) -> tuple[float, list[Phone]]:
    return asyncio.run(_crowd(lambda: noop_phone(port, form), phones, at_once))


def form_like_a_vote() -> dict[str, str]:
    """A do-nothing form body the size of a vote (ballot id 32 hex, nonce ~36 chars)."""
    return {"kind": "vote", "ballot": "0" * 32, "nonce": "n" * 36, "o": "7"}


def round_figures(total: float, phones: list[Phone]) -> dict[str, Any]:
    ok = [p for p in phones if p.ok]
    posts = [p.post_s for p in ok] or [float("nan")]
    whole = [p.phone_s for p in ok] or [float("nan")]
    return {
        "phones": len(phones),
        "answered": len(ok),
        "problems": sorted(Counter(p.problem for p in phones if not p.ok).items()),
        "total_s": total,
        "phones_per_s": len(ok) / total if total > 0 else 0.0,
        "requests_per_s": 3 * len(ok) / total if total > 0 else 0.0,
        "post_p50_s": common.percentile(posts, 50),
        "post_p95_s": common.percentile(posts, 95),
        "phone_p50_s": common.percentile(whole, 50),
        "phone_p95_s": common.percentile(whole, 95),
    }


def measured(server: Any, crowd: Any) -> dict[str, Any]:
    """Run a crowd against a server; its figures plus the server's CPU time per phone."""
    before = common.group_cpu_seconds(server.pid)
    total, phones = crowd()
    used = common.group_cpu_seconds(server.pid) - before
    figures = round_figures(total, phones)
    figures["server_cpu_per_phone_s"] = used / len(phones)
    figures["server_cpu_share"] = used / total
    figures["_phones"] = phones
    return figures


def check_recorded(store: Any, ballot: Any, phones: list[Phone]) -> dict[str, Any]:
    """Every vote that was thanked is in the database exactly once, as it was sent."""
    votes = store.votes(ballot.id)
    sent = Counter(ballot.options[p.choice].id for p in phones if p.ok)
    stored = Counter(v.selections[0] for v in votes)
    return {
        "rows": len(votes),
        "voters": len({v.voter_key for v in votes}),
        "thanked": sum(1 for p in phones if p.ok),
        "same_as_sent": stored == sent,
        "all_recorded": len(votes) == len(phones) == sum(1 for p in phones if p.ok)
                        and len({v.voter_key for v in votes}) == len(votes) and stored == sent,
    }


def _median(rounds: list[dict[str, Any]], key: str) -> float:
    import statistics

    return statistics.median(r[key] for r in rounds)


def run(rounds: int = REPEATS, verbose: bool = True) -> dict[str, Any]:
    from c4d.db.store import Store

    say = print if verbose else (lambda *a, **k: None)
    votes: list[dict[str, Any]] = []
    same: list[dict[str, Any]] = []
    bare: list[dict[str, Any]] = []
    body = form_like_a_vote()
    with common.scratch("c4d-bench-load-") as work:
        data = common.prepare_data_dir(work / "data")
        empty = work / "empty"
        empty.mkdir()
        store = Store(common.database_url(data))
        common.open_on_phones(store)  # the warm-up ballot
        app_port, same_port, bare_port = common.free_port(), common.free_port(), common.free_port()
        app_base, same_base, bare_base = (f"http://127.0.0.1:{p}" for p in (app_port, same_port, bare_port))
        same_command = [sys.executable, "-m", "streamlit", "run", str(common.ROOT / "bench" / "same_server_app.py"),
                        "--server.address", "127.0.0.1", "--server.port", str(same_port), *common.STREAMLIT_FLAGS]
        bare_command = [sys.executable, "-m", "uvicorn", "noop_routes:bare", "--app-dir", str(common.ROOT / "bench"),
                        "--host", "127.0.0.1", "--port", str(bare_port), "--no-access-log", "--log-level", "warning"]
        try:
            with common.running(common.serve_command(app_port), common.ROOT,
                                common.clean_env(C4D_DATA_DIR=str(data)), work / "app.log",
                                app_base + "/_stcore/health") as app_server, \
                 common.running(same_command, common.ROOT, common.clean_env(C4D_DATA_DIR=str(empty)),
                                work / "same.log", same_base + "/_stcore/health") as same_server, \
                 common.running(bare_command, common.ROOT, common.clean_env(), work / "bare.log",
                                bare_base + "/bench/noop") as bare_server:
                # Warm-up: first requests pay for imports, thread pools and connections.
                crowd_of_voters(app_port, WARM_UP, AT_ONCE, seed=1)
                crowd_on_noop(same_port, body, WARM_UP)
                crowd_on_noop(bare_port, body, WARM_UP)
                for i in range(rounds):
                    ballot = common.open_on_phones(store)
                    figures = measured(app_server, partial(crowd_of_voters, app_port, seed=SEED + i))
                    phones = figures.pop("_phones")
                    figures |= check_recorded(store, ballot, phones)
                    votes.append(figures)
                    same.append(measured(same_server, partial(crowd_on_noop, same_port, body)))
                    bare.append(measured(bare_server, partial(crowd_on_noop, bare_port, body)))
                    same[-1].pop("_phones")
                    bare[-1].pop("_phones")
                    say(f"  round {i + 1}/{rounds}: votes {figures['phones_per_s']:.0f}/s "
                        f"(POST p95 {figures['post_p95_s'] * 1000:.0f} ms, {figures['rows']} recorded), "
                        f"noop in the same server {same[-1]['phones_per_s']:.0f}/s, "
                        f"bare uvicorn {bare[-1]['phones_per_s']:.0f}/s", flush=True)
        finally:
            store.engine.dispose()

    keys = ["total_s", "phones_per_s", "requests_per_s", "post_p50_s", "post_p95_s", "phone_p50_s", "phone_p95_s",
            "server_cpu_per_phone_s", "server_cpu_share"]
    medians = {name: {k: _median(rs, k) for k in keys} for name, rs in
               (("votes", votes), ("same_server_noop", same), ("bare_uvicorn_noop", bare))}
    ratio_same = common.ratio(medians["votes"]["phones_per_s"], medians["same_server_noop"]["phones_per_s"])
    ratio_bare = common.ratio(medians["votes"]["phones_per_s"], medians["bare_uvicorn_noop"]["phones_per_s"])
    all_recorded = all(r["all_recorded"] for r in votes)
    result = {
        "name": NAME,
        "machine": common.machine(),
        "phones": PHONES,
        "at_once": AT_ONCE,
        "rounds": rounds,
        "warm_up_phones": WARM_UP,
        "command": "c4d serve --host 127.0.0.1 --port <free port>",
        "same_server_command": "python -m streamlit run bench/same_server_app.py --server.address 127.0.0.1 "
                               "--server.port <free port> " + " ".join(common.STREAMLIT_FLAGS),
        "bare_command": "python -m uvicorn noop_routes:bare --app-dir bench --host 127.0.0.1 "
                        "--port <free port> --no-access-log",
        "rate_limiter": "12 sends per 10 s for each address and device; new phones per address not limited "
                        "from the laptop itself (127.0.0.1)",
        "votes_rounds": votes,
        "same_server_rounds": same,
        "bare_rounds": bare,
        "medians": medians,
        "ratio_to_same_server": ratio_same,
        "ratio_to_bare_uvicorn": ratio_bare,
        "all_recorded": all_recorded,
        "target_ratio": TARGET_RATIO,
        "target_p95_s": TARGET_P95_S,
        "pass_recorded": all_recorded,
        "pass_ratio": ratio_same >= TARGET_RATIO,
        "pass_p95": medians["votes"]["post_p95_s"] <= TARGET_P95_S,
    }
    result["pass"] = result["pass_recorded"] and result["pass_ratio"] and result["pass_p95"]
    common.write_result(NAME, result)
    return result


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def markdown(result: dict[str, Any]) -> str:
    m = result["medians"]
    lines = [
        ("| Server and route | Total for 300 phones | Phones/s | Requests/s | POST p50 | POST p95 "
         "| Whole phone p50 | Whole phone p95 | Server CPU per phone | Server CPU busy |"),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, label in (("votes", "`c4d serve`, ballot → vote → thank-you"),
                       ("same_server_noop", "Same server (st.App), do-nothing route"),
                       ("bare_uvicorn_noop", "Plain uvicorn + Starlette, do-nothing route")):
        f = m[key]
        lines.append(f"| {label} | {common.seconds(f['total_s'])} | {f['phones_per_s']:.0f} | "
                     f"{f['requests_per_s']:.0f} | {ms(f['post_p50_s'])} | {ms(f['post_p95_s'])} | "
                     f"{ms(f['phone_p50_s'])} | {ms(f['phone_p95_s'])} | "
                     f"{f['server_cpu_per_phone_s'] * 1000:.1f} ms | {f['server_cpu_share']:.0%} |")
    recorded = ", ".join(f"{r['rows']}/{r['phones']}" for r in result["votes_rounds"])
    lines += [
        "",
        "| Target | Measured | Result |",
        "| --- | ---: | --- |",
        (f"| 100% of votes recorded, exactly once, as sent | {recorded} (per round) | "
         f"{_verdict(result['pass_recorded'])} |"),
        (f"| Vote throughput ≥ {result['target_ratio']:.0%} of the do-nothing route in the same server | "
         f"{result['ratio_to_same_server']:.0%} ({m['votes']['phones_per_s']:.0f} vs "
         f"{m['same_server_noop']['phones_per_s']:.0f} phones/s) | {_verdict(result['pass_ratio'])} |"),
        (f"| POST p95 ≤ {result['target_p95_s'] * 1000:.0f} ms | {ms(m['votes']['post_p95_s'])} | "
         f"{_verdict(result['pass_p95'])} |"),
        f"| (no target) vote throughput vs plain uvicorn | {result['ratio_to_bare_uvicorn']:.0%} | — |",
    ]
    return "\n".join(lines)


def console(result: dict[str, Any]) -> str:
    m = result["medians"]
    return (f"Phones under load (medians of {result['rounds']} rounds of {result['phones']} phones, "
            f"{result['at_once']} at once):\n"
            f"  votes {m['votes']['phones_per_s']:.0f}/s, "
            f"noop same server {m['same_server_noop']['phones_per_s']:.0f}/s "
            f"(ratio {result['ratio_to_same_server']:.2f}), "
            f"bare uvicorn {m['bare_uvicorn_noop']['phones_per_s']:.0f}/s "
            f"(ratio {result['ratio_to_bare_uvicorn']:.2f}); POST p50/p95 {m['votes']['post_p50_s'] * 1000:.0f}/"
            f"{m['votes']['post_p95_s'] * 1000:.0f} ms; whole phone p50/p95 {m['votes']['phone_p50_s'] * 1000:.0f}/"
            f"{m['votes']['phone_p95_s'] * 1000:.0f} ms; all recorded: {result['all_recorded']}\n"
            f"  recorded {_verdict(result['pass_recorded'])}, throughput ratio {_verdict(result['pass_ratio'])}, "
            f"p95 {_verdict(result['pass_p95'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=REPEATS, help=f"timed rounds per server (default {REPEATS})")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    print(f"Phones under load: {PHONES} phones, {AT_ONCE} at once, {args.rounds} round(s) per server:", flush=True)
    result = run(args.rounds)
    print(console(result))
    print(f"Results: {common.RESULTS / (NAME + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
