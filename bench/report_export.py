"""Workshop report export for the Dream Umbrella example (PPCD 2020 session).

Two figures, each against a baseline measured in the same run:

* In-process: build_workshop_report(store, "dream-umbrella", "ppcd-2020") after one
  warm-up, drawing every chart each run (the chart engine warm, as in the running app,
  where the report page starts it; the chart memory emptied before each run). Baseline: python-docx writing a plain document with the same paragraphs and
  tables (the same text, no styles, fonts or page set-up) and saving it to bytes: the
  library's own floor for that much content.
* Cold process: `c4d export report dream-umbrella --session ppcd-2020 -o out.docx`
  as a new process (Python start-up and imports included). Baseline: a new process
  running `python -c "import docx"`. Runs are interleaved, after one untimed warm-up
  of each (so both find their compiled bytecode, as on a laptop used before).

    python bench/report_export.py [--runs N] [--process-runs N]
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

NAME = "report_export"
TARGET_S = 2.0
DEFAULT_RUNS = 15
DEFAULT_PROCESS_RUNS = 3
CAMPAIGN = "dream-umbrella"
SESSION = "ppcd-2020"


def document_shape(data: bytes) -> dict[str, Any]:
    """The body paragraphs' text and each table's cell text of a DOCX file."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    return {
        "paragraphs": [p.text for p in doc.paragraphs],
        "tables": [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables],
    }


def plain_document(shape: dict[str, Any]) -> bytes:
    """python-docx's floor: the same text in a default document, saved to bytes."""
    from docx import Document

    doc = Document()
    for text in shape["paragraphs"]:
        doc.add_paragraph(text)
    for cells in shape["tables"]:
        columns = max((len(r) for r in cells), default=1)
        table = doc.add_table(rows=len(cells), cols=columns)
        for row, texts in zip(table.rows, cells):
            for cell, text in zip(row.cells, texts):
                cell.text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def in_process(data_dir: Path, runs: int) -> dict[str, Any]:
    previous = os.environ.get("C4D_DATA_DIR")
    os.environ["C4D_DATA_DIR"] = str(data_dir)  # anything that reads the data folder finds this one
    try:
        from c4d.export.workshop_report import build_workshop_report
        from c4d.db.store import Store

        store = Store(common.database_url(data_dir))
        try:
            from c4d import pictures as charts

            def build() -> bytes:
                charts._CACHE.clear()  # every run draws its charts (the engine stays warm, as in the app)
                return build_workshop_report(store, CAMPAIGN, SESSION)

            report = build()  # warm-up: imports, first queries, python-docx's template
            shape = document_shape(report)
            plain_document(shape)  # the baseline's warm-up
            app_samples, base_samples = [], []
            for _ in range(runs):
                app_samples.append(common.timed(build)[0])
                base_samples.append(common.timed(lambda: plain_document(shape))[0])
        finally:
            store.engine.dispose()
    finally:
        if previous is None:
            os.environ.pop("C4D_DATA_DIR", None)
        else:
            os.environ["C4D_DATA_DIR"] = previous
    return {
        "app": common.summary(app_samples),
        "baseline": common.summary(base_samples),
        "report_bytes": len(report),
        "paragraphs": len(shape["paragraphs"]),
        "tables": len(shape["tables"]),
        "table_cells": sum(len(row) for table in shape["tables"] for row in table),
    }


def cold_process(data_dir: Path, work: Path, runs: int) -> dict[str, Any]:
    out = work / "out.docx"
    env = common.clean_env(C4D_DATA_DIR=str(data_dir))
    app = [common.venv_tool("c4d"), "export", "report", CAMPAIGN, "--session", SESSION, "-o", str(out)]
    base = [sys.executable, "-c", "import docx"]

    def once(command: list[str]) -> float:
        seconds, done = common.timed(lambda: subprocess.run(
            command, cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True))
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
        return seconds

    once(app)  # warm-up of each: bytecode compiled, files in the page cache
    once(base)
    app_samples, base_samples = [], []
    for _ in range(runs):
        out.unlink(missing_ok=True)
        app_samples.append(once(app))
        if not out.is_file() or out.stat().st_size == 0:
            raise RuntimeError("the CLI reported success but wrote no report")
        base_samples.append(once(base))
    return {"app": common.summary(app_samples), "baseline": common.summary(base_samples)}


def run(runs: int = DEFAULT_RUNS, process_runs: int = DEFAULT_PROCESS_RUNS, verbose: bool = True) -> dict[str, Any]:
    with common.scratch("c4d-bench-report-") as work:
        data_dir = common.prepare_data_dir(work / "data")
        if verbose:
            print(f"  in-process: {runs} run(s) after one warm-up ...", flush=True)
        inside = in_process(data_dir, runs)
        if verbose:
            print(f"  cold process: {process_runs} run(s) each after one warm-up ...", flush=True)
        outside = cold_process(data_dir, work, process_runs)
    result = {
        "name": NAME,
        "machine": common.machine(),
        "campaign": CAMPAIGN,
        "session": SESSION,
        "target_s": TARGET_S,
        "in_process": inside,
        "in_process_ratio": common.ratio(inside["app"]["median_s"], inside["baseline"]["median_s"]),
        "cold_process": outside,
        "cold_process_ratio": common.ratio(outside["app"]["median_s"], outside["baseline"]["median_s"]),
        "command": f"c4d export report {CAMPAIGN} --session {SESSION} -o out.docx",
        "baseline_command": 'python -c "import docx"',
    }
    result["pass"] = all(part["app"]["median_s"] < TARGET_S for part in (inside, outside))
    common.write_result(NAME, result)
    return result


def rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    inside, outside = result["in_process"], result["cold_process"]
    return [
        {"what": "build_workshop_report, in process", "stats": inside["app"],
         "baseline": "python-docx, same text unstyled", "baseline_median_s": inside["baseline"]["median_s"],
         "target_s": result["target_s"]},
        {"what": "`c4d export report` as a new process", "stats": outside["app"],
         "baseline": '`python -c "import docx"`', "baseline_median_s": outside["baseline"]["median_s"],
         "target_s": result["target_s"]},
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS,
                        help=f"in-process builds of the report and of the baseline each (default {DEFAULT_RUNS})")
    parser.add_argument("--process-runs", type=int, default=DEFAULT_PROCESS_RUNS,
                        help=f"new-process exports and baselines each (default {DEFAULT_PROCESS_RUNS})")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.process_runs < 1:
        parser.error("--runs and --process-runs must be at least 1")
    print("Workshop report export (Dream Umbrella, PPCD 2020):", flush=True)
    result = run(args.runs, args.process_runs)
    print(common.console_table(rows(result)))
    print(f"Results: {common.RESULTS / (NAME + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
