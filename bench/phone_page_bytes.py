"""Page weight: every byte a first visit transfers, the phone ballot page vs the Streamlit app.

The toolkit runs as the README starts it (`c4d serve --host 127.0.0.1 --port P`) on a
data folder with the passcode set and the example campaign loaded. Two ballots are put
on the phones of its PPCD session (join code DREAM) in turn, as the facilitator's page
does, and each page is loaded in Chromium several times, each time in a fresh browser
context (no cache, no cookies):

- the phone ballot page, /j/DREAM at 360×740 (mobile, touch): a twelve-option single-
  choice ballot (the largest PPCD ballot the toolkit promises to keep within budget),
  then the "trend" template's scoring matrix (6 options × 4 criteria, 1–5 each);
- the baseline, the Streamlit app's first page (/, the campaigns list, from the
  facilitator's laptop) at 1280×720, loaded until the heading "Campaigns" shows.

Counted through Chromium's DevTools protocol (Network domain) for every response of the
visit, including the favicon Chromium asks for on its own: the number of responses and
the bytes received for them (`Network.loadingFinished.encodedDataLength`: headers plus
the body as sent, i.e. compressed when the server compressed it). The bodies' size once
decoded, and the WebSocket messages the app receives after its page loads, are recorded
beside them. A visit ends when the network has been quiet for a while (1 s for the
phone, 2 s for the app) or after 30 s.

    python bench/phone_page_bytes.py [--loads N]
"""

from __future__ import annotations

import argparse
import base64
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

NAME = "phone_page_bytes"
LOADS = 3
BUDGET_BYTES = 20 * 1024  # c4d.phones.pages.PAGE_BUDGET: 20 KB of 1,024 bytes
DEADLINE_S = 30.0
BALLOTS = [("twelve", "Twelve-option single choice"), ("trend", "Scoring matrix, 6 options × 4 criteria")]


def visit(browser: Any, url: str, viewport: dict[str, int], mobile: bool, quiet_s: float,
          ready: Any = None) -> dict[str, Any]:
    """Load `url` in a fresh context and total what the network delivered."""
    context = browser.new_context(viewport=viewport, is_mobile=mobile, has_touch=mobile)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        responses: dict[str, dict[str, Any]] = {}
        frames: list[int] = []
        last = [time.monotonic()]

        def touched() -> None:
            last[0] = time.monotonic()

        def on_response(event: dict[str, Any]) -> None:
            touched()
            answer = event["response"]
            responses.setdefault(event["requestId"], {}).update(
                url=answer["url"], status=answer["status"], type=event.get("type"),
                encoding=answer.get("headers", {}).get("content-encoding", ""))

        def on_data(event: dict[str, Any]) -> None:
            touched()
            held = responses.setdefault(event["requestId"], {})
            held["decoded"] = held.get("decoded", 0) + event["dataLength"]

        def on_finished(event: dict[str, Any]) -> None:
            touched()
            responses.setdefault(event["requestId"], {})["wire"] = event["encodedDataLength"]

        def on_frame(event: dict[str, Any]) -> None:
            touched()
            payload = event["response"]["payloadData"]
            binary = event["response"].get("opcode") == 2
            frames.append(len(base64.b64decode(payload)) if binary else len(payload.encode()))

        cdp.on("Network.requestWillBeSent", lambda event: touched())
        cdp.on("Network.responseReceived", on_response)
        cdp.on("Network.dataReceived", on_data)
        cdp.on("Network.loadingFinished", on_finished)
        cdp.on("Network.webSocketFrameReceived", on_frame)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

        start = time.monotonic()
        page.goto(url, timeout=DEADLINE_S * 1000)
        if ready is not None:
            ready(page)
        while time.monotonic() - last[0] < quiet_s and time.monotonic() - start < DEADLINE_S:
            page.wait_for_timeout(100)  # lets Playwright deliver the network events meanwhile
        scripts = page.locator("script").count()
        width = page.evaluate("document.documentElement.scrollWidth")
        finished = [r for r in responses.values() if "wire" in r and "url" in r]
        return {
            "responses": len(finished),
            "wire_bytes": sum(r["wire"] for r in finished),
            "decoded_bytes": sum(r.get("decoded", 0) for r in finished),
            "websocket_messages": len(frames),
            "websocket_bytes": sum(frames),
            "script_elements": scripts,
            "scroll_width": width,
            "detail": sorted(({"url": r["url"].split("?")[0], "status": r["status"], "wire": r["wire"],
                               "decoded": r.get("decoded", 0), "encoding": r.get("encoding", "")}
                              for r in finished), key=lambda r: -r["wire"]),
        }
    finally:
        context.close()


def _median_of(loads: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ["responses", "wire_bytes", "decoded_bytes", "websocket_messages", "websocket_bytes"]
    out = {k: statistics.median(load[k] for load in loads) for k in keys}
    out["loads"] = [{k: load[k] for k in keys + ["script_elements", "scroll_width"]} for load in loads]
    out["detail_of_first_load"] = loads[0]["detail"]
    out["script_elements"] = max(load["script_elements"] for load in loads)
    out["scroll_width"] = max(load["scroll_width"] for load in loads)
    return out


def run(loads: int = LOADS, verbose: bool = True) -> dict[str, Any]:
    from c4d.db.store import Store

    say = print if verbose else (lambda *a, **k: None)
    phone_loads: dict[str, list[dict[str, Any]]] = {key: [] for key, _ in BALLOTS}
    app_loads: list[dict[str, Any]] = []
    with common.scratch("c4d-bench-bytes-") as work:
        data = common.prepare_data_dir(work / "data")
        store = Store(common.database_url(data))
        port = common.free_port()
        base = f"http://127.0.0.1:{port}"

        def campaigns_heading(page: Any) -> None:
            page.get_by_role("heading", name="Campaigns", exact=True).first.wait_for(
                state="visible", timeout=DEADLINE_S * 1000)

        try:
            common.open_on_phones(store, BALLOTS[0][0])
            with common.running(common.serve_command(port), common.ROOT,
                                common.clean_env(C4D_DATA_DIR=str(data)), work / "app.log",
                                base + "/_stcore/health"), common.chromium() as browser:
                for i in range(loads):  # the app and the phone pages alternate
                    app_loads.append(visit(browser, base + "/", common.PROJECTOR, False, 2.0, campaigns_heading))
                    for key, _ in BALLOTS:
                        common.open_on_phones(store, key)
                        phone_loads[key].append(
                            visit(browser, f"{base}/j/{common.JOIN_CODE}", common.PHONE, True, 1.0))
                    say(f"  load {i + 1}/{loads}: app {app_loads[-1]['responses']} responses, "
                        f"{common.kib(app_loads[-1]['wire_bytes'])}; ballot pages "
                        + ", ".join(f"{phone_loads[k][-1]['responses']} responses "
                                    f"{common.kib(phone_loads[k][-1]['wire_bytes'])}" for k, _ in BALLOTS),
                        flush=True)
        finally:
            store.engine.dispose()

    app = _median_of(app_loads)
    phones = {key: _median_of(phone_loads[key]) | {"label": label} for key, label in BALLOTS}
    for figures in phones.values():
        figures["ratio_to_app"] = common.ratio(figures["wire_bytes"], app["wire_bytes"])
        figures["pass"] = figures["wire_bytes"] <= BUDGET_BYTES
    result = {
        "name": NAME,
        "machine": common.machine(),
        "command": "c4d serve --host 127.0.0.1 --port <free port>",
        "loads": loads,
        "budget_bytes": BUDGET_BYTES,
        "app": app,
        "phone": phones,
        "pass": all(f["pass"] for f in phones.values()),
    }
    common.write_result(NAME, result)
    return result


def markdown(result: dict[str, Any]) -> str:
    app = result["app"]
    budget = result["budget_bytes"]
    lines = [
        ("| Page (first visit, fresh browser context) | Responses | Bytes received | Decoded bodies | "
         "WebSocket messages | Ratio to the app | Target | Result |"),
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for figures in result["phone"].values():
        lines.append(
            f"| Phone ballot /j/DREAM, 360×740: {figures['label'].lower()} | {figures['responses']:.0f} | "
            f"{figures['wire_bytes']:,.0f} B ({common.kib(figures['wire_bytes'])}) | "
            f"{common.kib(figures['decoded_bytes'])} | — | {figures['ratio_to_app']:.2%} | "
            f"≤ {budget / 1024:.0f} KB ({budget:,} B) | {'PASS' if figures['pass'] else 'FAIL'} |")
    lines.append(
        f"| Baseline: the Streamlit app's first page (/), 1280×720 | {app['responses']:.0f} | "
        f"{app['wire_bytes']:,.0f} B ({common.kib(app['wire_bytes'])}) | {common.kib(app['decoded_bytes'])} | "
        f"{app['websocket_messages']:.0f} ({common.kib(app['websocket_bytes'])}) | 1 | — | — |")
    return "\n".join(lines)


def console(result: dict[str, Any]) -> str:
    app = result["app"]
    parts = [f"{f['label']}: {f['responses']:.0f} responses, {f['wire_bytes']:,.0f} B "
             f"({f['ratio_to_app']:.2%} of the app) {'PASS' if f['pass'] else 'FAIL'}"
             for f in result["phone"].values()]
    return (f"Page weight (medians of {result['loads']} loads): " + "; ".join(parts)
            + f"; app first page {app['responses']:.0f} responses, {app['wire_bytes']:,.0f} B")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=LOADS, help=f"visits of each page (default {LOADS})")
    args = parser.parse_args(argv)
    if args.loads < 1:
        parser.error("--loads must be at least 1")
    print(f"Page weight, {args.loads} fresh visit(s) of each page:", flush=True)
    result = run(args.loads)
    print(console(result))
    print(f"Results: {common.RESULTS / (NAME + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
