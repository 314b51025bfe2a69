"""Creative brief export for the Dream Umbrella example (target: under 1 s).

What a facilitator waits for after pressing "Export and download the brief": compose the
brief from the campaign (audience analysis, objectives with their checks, channels,
pre-test history), check it, compare it with the latest version (an unchanged brief
reuses it), and write the Word file. Each figure comes with a baseline measured in the
same run, interleaved with it:

* Full brief, in process: `export_brief(store, "dream-umbrella")` after one warm-up.
  Baseline: python-docx writing a default document with the same paragraphs and tables
  (the same text, without styles, cover, gap marks or page set-up) and saving it to
  bytes, the floor the library sets for that much content.
* One-page summary, in process: `export_brief(..., summary=True)`, against the same kind
  of baseline built from the summary's text.
* New process: `c4d export brief dream-umbrella -o out.docx` (Python start-up and every
  import included), against a new process running `python -c "import docx"`. No target:
  it shows what the command line adds.

    python bench/brief_export.py [--runs N] [--process-runs N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from report_export import document_shape, plain_document  # noqa: E402  (the same python-docx floor)

NAME = "brief_export"
TARGET_S = 1.0
DEFAULT_RUNS = 15
DEFAULT_PROCESS_RUNS = 3
CAMPAIGN = "dream-umbrella"


def in_process(data_dir: Path, runs: int) -> dict[str, Any]:
    previous = os.environ.get("C4D_DATA_DIR")
    os.environ["C4D_DATA_DIR"] = str(data_dir)
    try:
        from c4d.export.brief_docx import export_brief
        from c4d.db.store import Store

        store = Store(common.database_url(data_dir))
        try:
            results: dict[str, Any] = {}
            for variant, summary in (("full", False), ("summary", True)):
                def build(summary: bool = summary) -> bytes:
                    return export_brief(store, CAMPAIGN, summary=summary)[2]

                made = build()  # warm-up: imports, the first version, python-docx's template
                shape = document_shape(made)
                plain_document(shape)
                app_samples, base_samples = [], []
                for _ in range(runs):
                    app_samples.append(common.timed(build)[0])
                    base_samples.append(common.timed(lambda: plain_document(shape))[0])
                results[variant] = {
                    "app": common.summary(app_samples), "baseline": common.summary(base_samples),
                    "bytes": len(made), "paragraphs": len(shape["paragraphs"]), "tables": len(shape["tables"]),
                    "table_cells": sum(len(row) for table in shape["tables"] for row in table),
                }
            from c4d.brief.versions import versions

            results["versions_made"] = len(versions(store, store.campaign(CAMPAIGN).id))
        finally:
            store.engine.dispose()
    finally:
        if previous is None:
            os.environ.pop("C4D_DATA_DIR", None)
        else:
            os.environ["C4D_DATA_DIR"] = previous
    return results


def cold_process(data_dir: Path, work: Path, runs: int) -> dict[str, Any]:
    out = work / "out.docx"
    env = common.clean_env(C4D_DATA_DIR=str(data_dir))
    app = [common.venv_tool("c4d"), "export", "brief", CAMPAIGN, "-o", str(out)]
    base = [sys.executable, "-c", "import docx"]

    def once(command: list[str]) -> float:
        seconds, done = common.timed(lambda: subprocess.run(
            command, cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True))
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
        return seconds

    once(app)
    once(base)
    app_samples, base_samples = [], []
    for _ in range(runs):
        out.unlink(missing_ok=True)
        app_samples.append(once(app))
        if not out.is_file() or out.stat().st_size == 0:
            raise RuntimeError("the CLI reported success but wrote no brief")
        base_samples.append(once(base))
    return {"app": common.summary(app_samples), "baseline": common.summary(base_samples)}


def run(runs: int = DEFAULT_RUNS, process_runs: int = DEFAULT_PROCESS_RUNS, verbose: bool = True) -> dict[str, Any]:
    with common.scratch("c4d-bench-brief-") as work:
        data_dir = common.prepare_data_dir(work / "data")
        if verbose:
            print(f"  in process: {runs} export(s) of each variant after one warm-up ...", flush=True)
        inside = in_process(data_dir, runs)
        if verbose:
            print(f"  new process: {process_runs} run(s) each after one warm-up ...", flush=True)
        outside = cold_process(data_dir, work, process_runs)
    result = {
        "name": NAME,
        "machine": common.machine(),
        "campaign": CAMPAIGN,
        "target_s": TARGET_S,
        "in_process": inside,
        "cold_process": outside,
        "ratios": {variant: common.ratio(inside[variant]["app"]["median_s"], inside[variant]["baseline"]["median_s"])
                   for variant in ("full", "summary")},
        "command": f"c4d export brief {CAMPAIGN} -o out.docx",
        "baseline_command": 'python -c "import docx"',
    }
    result["pass"] = all(inside[v]["app"]["median_s"] < TARGET_S for v in ("full", "summary"))
    common.write_result(NAME, result)
    return result


def rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    inside, outside = result["in_process"], result["cold_process"]
    return [
        {"what": "Brief export (full), in process", "stats": inside["full"]["app"],
         "baseline": "python-docx, same text unstyled", "baseline_median_s": inside["full"]["baseline"]["median_s"],
         "target_s": result["target_s"]},
        {"what": "Brief export (one-page summary), in process", "stats": inside["summary"]["app"],
         "baseline": "python-docx, same text unstyled",
         "baseline_median_s": inside["summary"]["baseline"]["median_s"], "target_s": result["target_s"]},
        {"what": "`c4d export brief` as a new process", "stats": outside["app"],
         "baseline": '`python -c "import docx"`', "baseline_median_s": outside["baseline"]["median_s"]},
    ]


def markdown(result: dict[str, Any]) -> str:
    """The section of docs/BENCHMARKS.md."""
    full = result["in_process"]["full"]
    verdict = "PASS" if result["pass"] else "FAIL"
    return f"""## Creative brief export: {verdict} (target: under {result['target_s']:g} s)

The example campaign's creative brief, as the facilitator's "Export and download" makes
it: compose the brief from the campaign (audiences, profile, objectives with their
checks, channels, sector lens, pre-test history), check it, compare it with the latest
version (an unchanged brief reuses it, so the runs after the first make no new version),
and write the Word file. The full brief is {full['bytes'] / 1024:.0f} KiB with {full['paragraphs']}
body paragraphs and {full['tables']} tables ({full['table_cells']} cells).

- **In process:** `export_brief(store, "{result['campaign']}")` and its one-page summary,
  each timed after one warm-up. Baseline: python-docx writing a default document with the
  same paragraphs and tables (the same text, no styles, cover, gap marks or page set-up)
  and saving it to bytes.
- **New process:** `{result['command']}`, including Python start-up and every import;
  baseline `{result['baseline_command']}` as a new process. No target: it shows what the
  command line adds. Runs alternate after one untimed warm-up of each.

{common.markdown_table(rows(result))}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS,
                        help=f"in-process exports of each variant and of its baseline (default {DEFAULT_RUNS})")
    parser.add_argument("--process-runs", type=int, default=DEFAULT_PROCESS_RUNS,
                        help=f"new-process exports and baselines each (default {DEFAULT_PROCESS_RUNS})")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.process_runs < 1:
        parser.error("--runs and --process-runs must be at least 1")
    print("Creative brief export (Dream Umbrella):", flush=True)
    result = run(args.runs, args.process_runs)
    print(common.console_table(rows(result)))
    print(f"Results: {common.RESULTS / (NAME + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
