"""Cold start: from launching the README's command to the first page rendered in Chromium.

Each run gets a fresh data folder (passcode already set, Dream Umbrella example loaded)
so the first page is the campaigns list. Chromium is launched once, before any clock
starts; each run opens a new browser context (no cache, no cookies). The clock starts
just before the server is launched and stops when the heading "Campaigns" is visible;
in between the page retries `goto` until the server answers.

Baseline, measured in the same run and interleaved with the app (app, baseline, app,
...): `streamlit run` of a script that only calls st.title("Campaigns"), with the same
server flags and the same Streamlit configuration file, in the same browser.

    python bench/cold_start.py [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

NAME = "cold_start"
TARGET_S = 6.0
DEFAULT_RUNS = 5
HEADING = "Campaigns"
DEADLINE_S = 90.0
BARE_SCRIPT = 'import streamlit as st\n\nst.title("Campaigns")\n'


def app_command(port: int) -> list[str]:
    """What the README gives, on a free port of this laptop only."""
    return [common.venv_tool("c4d"), "serve", "--host", "127.0.0.1", "--port", str(port)]


def baseline_command(script: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(script),
            "--server.address", "127.0.0.1", "--server.port", str(port), *common.STREAMLIT_FLAGS]


def first_page(browser: Any, command: list[str], cwd: Path, env: dict[str, str], port: int,
               log: Path) -> tuple[float, float]:
    """(seconds until the server first answered, seconds until the heading was visible)."""
    from playwright.sync_api import Error as PlaywrightError

    url = f"http://127.0.0.1:{port}/"
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    process = None
    try:
        start = time.perf_counter()
        process = common.start_server(command, cwd, env, log)
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server stopped with code {process.returncode}:\n{common.log_tail(log)}")
            if time.perf_counter() - start > DEADLINE_S:
                raise TimeoutError(f"{url} did not answer within {DEADLINE_S:g} s:\n{common.log_tail(log)}")
            try:
                page.goto(url, timeout=DEADLINE_S * 1000)
                break
            except PlaywrightError:
                time.sleep(0.05)
        answered = time.perf_counter() - start
        page.get_by_role("heading", name=HEADING, exact=True).first.wait_for(
            state="visible", timeout=DEADLINE_S * 1000)
        rendered = time.perf_counter() - start
        return answered, rendered
    finally:
        context.close()
        if process is not None:
            common.stop_server(process)


def run(runs: int = DEFAULT_RUNS, verbose: bool = True) -> dict[str, Any]:
    app_total: list[float] = []
    app_answer: list[float] = []
    base_total: list[float] = []
    base_answer: list[float] = []
    with common.scratch("c4d-bench-cold-") as work:
        template = common.prepare_data_dir(work / "template")
        bare = work / "bare"
        bare.mkdir()
        (bare / "bare_app.py").write_text(BARE_SCRIPT, encoding="utf-8")
        config = common.ROOT / ".streamlit" / "config.toml"
        if config.is_file():  # the same Streamlit settings as the app, so only the app differs
            (bare / ".streamlit").mkdir()
            shutil.copy2(config, bare / ".streamlit" / "config.toml")
        with common.chromium() as browser:
            for i in range(runs):
                data_dir = work / f"data-{i}"
                shutil.copytree(template, data_dir)
                port = common.free_port()
                answered, rendered = first_page(
                    browser, app_command(port), common.ROOT, common.clean_env(C4D_DATA_DIR=str(data_dir)),
                    port, work / f"app-{i}.log")
                app_answer.append(answered)
                app_total.append(rendered)

                port = common.free_port()
                b_answered, b_rendered = first_page(
                    browser, baseline_command(bare / "bare_app.py", port), bare, common.clean_env(),
                    port, work / f"baseline-{i}.log")
                base_answer.append(b_answered)
                base_total.append(b_rendered)
                if verbose:
                    print(f"  run {i + 1}/{runs}: app {rendered:.2f} s (answered {answered:.2f} s), "
                          f"baseline {b_rendered:.2f} s (answered {b_answered:.2f} s)", flush=True)
            browser_version = browser.version

    app = common.summary(app_total)
    baseline = common.summary(base_total)
    result = {
        "name": NAME,
        "machine": common.machine(),
        "chromium_reported_by_playwright": browser_version,
        "command": "c4d serve --host 127.0.0.1 --port <free port>",
        "baseline_command": "python -m streamlit run bare_app.py (st.title only) "
                            "--server.address 127.0.0.1 --server.port <free port> " + " ".join(common.STREAMLIT_FLAGS),
        "chromium_args": common.CHROMIUM_ARGS,
        "target_s": TARGET_S,
        "app": app,
        "app_server_answered": common.summary(app_answer),
        "baseline": baseline,
        "baseline_server_answered": common.summary(base_answer),
        "app_page_after_answer": common.summary([t - a for t, a in zip(app_total, app_answer)]),
        "baseline_page_after_answer": common.summary([t - a for t, a in zip(base_total, base_answer)]),
        "ratio": common.ratio(app["median_s"], baseline["median_s"]),
        "pass": app["median_s"] < TARGET_S,
    }
    common.write_result(NAME, result)
    return result


def rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    base = result["baseline"]["median_s"]
    base_answer = result["baseline_server_answered"]["median_s"]
    return [
        {"what": 'App: `c4d serve` → "Campaigns" heading visible', "stats": result["app"],
         "baseline": "bare Streamlit st.title page", "baseline_median_s": base, "target_s": result["target_s"]},
        {"what": "App: `c4d serve` → first HTTP answer (part of the above)", "stats": result["app_server_answered"],
         "baseline": "bare Streamlit, first answer", "baseline_median_s": base_answer},
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS,
                        help=f"launches of the app and of the baseline each (default {DEFAULT_RUNS})")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    print(f"Cold start, {args.runs} run(s) each, interleaved with the bare Streamlit baseline:", flush=True)
    result = run(args.runs)
    print(common.console_table(rows(result)))
    print(f"Results: {common.RESULTS / (NAME + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
