"""Run every benchmark, print one table, and rewrite docs/BENCHMARKS.md.

    python bench/run.py        (what `make bench` runs)

Each benchmark is also runnable on its own (python bench/cold_start.py --runs N) and
leaves its raw figures in bench/results/<name>.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cold_start  # noqa: E402
import common  # noqa: E402
import report_export  # noqa: E402

DOC = common.ROOT / "docs" / "BENCHMARKS.md"


def verdict(result: dict[str, Any]) -> str:
    return "PASS" if result["pass"] else "FAIL"


def document(machine: dict[str, Any], load_after: str, elapsed_s: float,
             cold: dict[str, Any], report: dict[str, Any]) -> str:
    inside = report["in_process"]
    answered = cold["app_server_answered"]["median_s"]
    return f"""# Benchmarks

Figures from the latest `make bench` on the machine below. The machine is shared and
other work runs at the same time, so every figure is a median over several runs and
comes with a baseline measured in the same run, interleaved with it. The ratio to the
baseline is the figure to compare across machines and dates; the seconds are what a
facilitator waits on this machine.

**Reproduce:** `make bench` (installs what it needs, then runs `bench/run.py`; it took
{elapsed_s:.0f} s here). Raw samples are written to `bench/results/*.json`.

## Machine

| | |
| --- | --- |
| Date | {machine['date']} |
| CPUs (`nproc`) | {machine['cpus']} |
| CPU model | {machine['cpu_model']} |
| Memory | {machine['memory']} |
| Load average (1, 5, 15 min) | start: {machine['load_average']}; end: {load_after} |
| OS | {machine['os']} |
| Python | {machine['python']} |
| Streamlit | {machine['streamlit']} |
| python-docx | {machine['python_docx']} |
| Playwright (Python) | {machine['playwright']} |
| Chromium | {machine['chromium']} |

## Cold start: {verdict(cold)} (target: under {cold['target_s']:g} s)

**What is timed:** from launching the README's command,
`{cold['command']}`, to the campaigns list rendered in
Chromium (the heading "Campaigns" visible). `C4D_DATA_DIR` points at a fresh folder in
which the passcode is already set and the Dream Umbrella example is loaded, so the first
page is the campaigns list. Debian's Chromium, driven by Playwright, is launched before
the clock starts, with these flags:
`{' '.join(cold['chromium_args'])}`.
Each run opens a new browser context and retries loading the page until the server
answers.

**Baseline:** the same measurement for a bare Streamlit script that only calls
`st.title("Campaigns")`, started with `streamlit run`, the same server flags and the
same Streamlit configuration file. App and baseline runs alternate.

{common.markdown_table(cold_start.rows(cold))}

**Where the time goes** (medians): the app's server first answers after
{common.seconds(answered)}; then {common.seconds(cold['app_page_after_answer']['median_s'])} pass until the heading shows, which is the browser
loading Streamlit's front end plus the first run of the page (the toolkit's imports,
opening the database, drawing the list). The bare page answers after
{common.seconds(cold['baseline_server_answered']['median_s'])} and shows its heading {common.seconds(cold['baseline_page_after_answer']['median_s'])} later. The app is served through `st.App`
(Streamlit's ASGI mode, run by uvicorn) while the bare script uses Streamlit's default
server, so the two "first answer" figures come from different servers.

## Workshop report export: {verdict(report)} (target: under {report['target_s']:g} s)

The report of the example campaign's PPCD 2020 session: {inside['report_bytes'] / 1024:.0f} KiB,
{inside['paragraphs']} body paragraphs, {inside['tables']} tables, {inside['table_cells']} table cells.

- **In process:** `build_workshop_report(store, "{report['campaign']}", "{report['session']}")`,
  timed after one warm-up. Baseline: python-docx writing a default document with the
  same paragraphs and tables (the same text, without styles, fonts or page set-up) and
  saving it to bytes, which is the floor the library itself sets for that much content.
- **New process:** `{report['command']}`, including
  Python start-up and every import. Baseline: `{report['baseline_command']}` as a new
  process. One untimed warm-up of each comes first, then the runs alternate.

{common.markdown_table(report_export.rows(report))}

A benchmark passes when the median of each row that has a target is under it. No test
checks these times: wall-clock limits belong here, not in the test suite.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run every benchmark and rewrite docs/BENCHMARKS.md.")
    parser.add_argument("--no-doc", action="store_true", help="print the figures without rewriting the document")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    machine = common.machine()
    print(f"Cold start, {cold_start.DEFAULT_RUNS} run(s) each, interleaved with the bare Streamlit baseline:",
          flush=True)
    cold = cold_start.run()
    print("Workshop report export (Dream Umbrella, PPCD 2020):", flush=True)
    report = report_export.run()
    load_after = common.load_average()
    elapsed = time.perf_counter() - started

    print()
    print(common.console_table(cold_start.rows(cold) + report_export.rows(report)))
    print(f"\nCold start: {verdict(cold)}; report export: {verdict(report)}; took {elapsed:.0f} s.")
    if not args.no_doc:
        DOC.parent.mkdir(parents=True, exist_ok=True)
        DOC.write_text(document(machine, load_after, elapsed, cold, report), encoding="utf-8")
        print(f"Wrote {DOC.relative_to(common.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
