"""Shared helpers for the benchmarks: statistics, timing, ports, servers, Chromium, results.

The benchmarks never import from tests/: what they share with the browser tests
(starting the app the way the README does, the Chromium flags) is repeated here on
purpose, so that each can change without breaking the other.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PASSCODE = "bench-passcode-4821"  # only ever used in throw-away data folders

# The flags the browser tests use: Debian's Chromium, headless, nothing that phones home.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

# Streamlit server flags, the same for the app (what `c4d serve` passes) and the baseline.
STREAMLIT_FLAGS = ["--server.headless", "true", "--browser.gatherUsageStats", "false"]

if str(ROOT) not in sys.path:  # `python bench/x.py` puts bench/ first, not the project
    sys.path.insert(0, str(ROOT))


# ---- statistics ------------------------------------------------------------------------

def summary(samples: Sequence[float]) -> dict[str, Any]:
    """Median, min, max and count of a list of seconds (the raw samples are kept too)."""
    if not samples:
        raise ValueError("no samples")
    return {
        "median_s": statistics.median(samples),
        "min_s": min(samples),
        "max_s": max(samples),
        "n": len(samples),
        "samples_s": [round(s, 6) for s in samples],
    }


def ratio(value: float, baseline: float) -> float:
    return value / baseline if baseline > 0 else float("inf")


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds taken by `action()` on the monotonic high-resolution clock, and its result."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def seconds(value: float) -> str:
    """A duration for a table: milliseconds below one second, seconds above."""
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


# ---- ports and processes ---------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without any C4D_* setting (so a developer's own data is never
    touched), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("C4D_")}
    env.update(extra)
    return env


def venv_tool(name: str) -> str:
    """A console script installed beside this Python (e.g. the `c4d` command)."""
    path = Path(sys.executable).with_name(name)
    if not path.exists():
        raise RuntimeError(f"'{name}' is not installed beside {sys.executable}; run 'make bench'.")
    return str(path)


def start_server(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    """Launch a server in its own process group (so stopping it stops its children)."""
    out = log.open("wb")
    try:
        return subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    finally:
        out.close()  # the child has its own copy


def stop_server(process: subprocess.Popen) -> None:
    """Stop the whole process group: SIGTERM, then SIGKILL if it lingers."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
    else:  # the leader is gone; make sure no child of it survives
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def log_tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# ---- data folders ----------------------------------------------------------------------

def database_url(data_dir: Path) -> str:
    """The database the app uses for a given C4D_DATA_DIR (see c4d.config)."""
    return f"sqlite:///{data_dir / 'c4d.sqlite3'}"


def prepare_data_dir(data_dir: Path) -> Path:
    """A data folder as a facilitator has it after first use: passcode set, example loaded.
    Done in a child process so the benchmark process does not hold the database open."""
    data_dir.mkdir(parents=True, exist_ok=True)
    script = (
        "import sys\n"
        "from c4d.db.store import Store\n"
        "from c4d.demo.example import load_demo\n"
        "from c4d.access import set_passcode\n"
        "store = Store(sys.argv[1])\n"
        "load_demo(store)\n"
        "set_passcode(store, sys.argv[2], sys.argv[2])\n"
        "store.engine.dispose()\n"
    )
    subprocess.run([sys.executable, "-c", script, database_url(data_dir), PASSCODE],
                   cwd=ROOT, env=clean_env(C4D_DATA_DIR=str(data_dir)), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return data_dir


@contextmanager
def scratch(prefix: str) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---- Chromium --------------------------------------------------------------------------

def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        raise SystemExit("Debian's chromium is needed for this benchmark (make bench installs it).")
    return path


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, with the browser tests' flags."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# ---- results and the machine -----------------------------------------------------------

def write_result(name: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_result(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return "unknown"


def load_average() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def chromium_version() -> str:
    path = shutil.which("chromium")
    if not path:
        return "not installed"
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.strip().splitlines()[-1] if out.strip() else "unknown"


def machine() -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    def pkg(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory": _memory(),
        "load_average": load_average(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "streamlit": pkg("streamlit"),
        "python_docx": pkg("python-docx"),
        "playwright": pkg("playwright"),
        "chromium": chromium_version(),
    }


# ---- tables ----------------------------------------------------------------------------
# A row: {"what", "stats" (a summary()), "baseline", "baseline_median_s", "target_s"};
# the ratio and PASS/FAIL are derived here, so the console and the document agree.

HEADERS = ["Measurement", "Median", "Min", "Max", "n", "Baseline", "Baseline median", "Ratio",
           "Target", "Result"]


def row_cells(row: dict[str, Any]) -> list[str]:
    stats = row["stats"]
    base = row.get("baseline_median_s")
    target = row.get("target_s")
    return [
        row["what"],
        seconds(stats["median_s"]), seconds(stats["min_s"]), seconds(stats["max_s"]), str(stats["n"]),
        row.get("baseline", "—"),
        seconds(base) if base else "—",
        f"{ratio(stats['median_s'], base):.2f}×" if base else "—",
        f"< {target:g} s" if target else "—",
        ("PASS" if stats["median_s"] < target else "FAIL") if target else "—",
    ]


def console_table(rows: list[dict[str, Any]]) -> str:
    cells = [HEADERS] + [row_cells(r) for r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADERS))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in cells)


def markdown_table(rows: list[dict[str, Any]]) -> str:
    def escape(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| " + " | ".join(HEADERS) + " |",
             "| " + " | ".join(["---"] + ["---:"] * 4 + ["---"] + ["---:"] * 2 + ["---", "---"]) + " |"]
    lines += ["| " + " | ".join(escape(c) for c in row_cells(r)) + " |" for r in rows]
    return "\n".join(lines)


# ---- live participation: ballots on the phones, running servers, percentiles -------------
# Shared by the participation benchmarks (phone page weight, phones under load, vote to
# projector). The example campaign's PPCD session has the join code DREAM.

PHONE = {"width": 360, "height": 740}
PROJECTOR = {"width": 1280, "height": 720}
CAMPAIGN = "dream-umbrella"
PPCD_SESSION = "ppcd-2020"
JOIN_CODE = "DREAM"

# A PPCD ballot at the size the toolkit promises to keep under the page budget: twelve
# candidate target groups, worded as a workshop would word them.
TWELVE_GROUPS = [
    "Young women 18–27 looking for work abroad",
    "Students with seasonal or part-time jobs",
    "Recent migrants from rural areas to the city",
    "Herder families who lost livestock in a dzud winter",
    "Girls leaving school early in border towns",
    "Young men recruited for construction work abroad",
    "Women applying for marriage agencies",
    "Children living or working on the streets",
    "Workers on fishing boats and in mining camps",
    "Employers and recruitment agencies",
    "Parents of teenagers in provincial centres",
    "Hotel, karaoke and massage venue staff",
]


def open_on_phones(store: Any, kind: str = "twelve") -> Any:
    """Open a ballot on the example's PPCD session and put it on the phones, as the
    facilitator's 'PPCD voting' page does. `kind` is "twelve" (single choice among
    TWELVE_GROUPS) or a template key of c4d.voting.templates.TEMPLATES (e.g. "trend", the scoring
    matrix). Returns the open ballot."""
    from c4d.voting import model as voting
    from c4d.voting.lifecycle import open_ballot
    from c4d.voting.templates import ballot_from_template
    from c4d.voting.commands import show_ballot

    campaign = store.campaign(CAMPAIGN)
    session = store.session(campaign.id, PPCD_SESSION)
    if kind == "twelve":
        ballot = voting.Ballot(
            campaign_id=campaign.id, session_id=session.id,
            question="Which group should the campaign reach first?",
            method=voting.VotingMethod.single,
            options=[voting.BallotOption(label=label) for label in TWELVE_GROUPS])
    else:
        ballot = ballot_from_template(kind, campaign.id, session.id)
    ballot = store.save_ballot(open_ballot(ballot))
    show_ballot(store, ballot)
    return ballot


def serve_command(port: int) -> list[str]:
    """What the README gives (`c4d serve`), on a free port of this laptop only."""
    return [venv_tool("c4d"), "serve", "--host", "127.0.0.1", "--port", str(port)]


def wait_until_answers(url: str, process: subprocess.Popen, log: Path, deadline_s: float = 90.0) -> None:
    """Poll `url` until it answers 200; fail early if the server stops."""
    import urllib.error
    import urllib.request

    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped with code {process.returncode}:\n{log_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {deadline_s:g} s:\n{log_tail(log)}")


@contextmanager
def running(command: list[str], cwd: Path, env: dict[str, str], log: Path,
            ready_url: str) -> Iterator[subprocess.Popen]:
    """A server for the length of a `with` block: started in its own process group,
    waited for until `ready_url` answers, and always stopped (the whole group)."""
    process = start_server(command, cwd, env, log)
    try:
        wait_until_answers(ready_url, process, log)
        yield process
    finally:
        stop_server(process)


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between closest ranks."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def kib(n: float) -> str:
    return f"{n / 1024:.1f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.2f} MiB"


# ---- a lean HTTP/1.1 client for simulated phones --------------------------------------
# httpx's connection pool costs more CPU per request than the servers under test do at
# 50 connections on this 2-core machine (measured: ~150–600 requests/s against a
# do-nothing route), so the phones speak HTTP/1.1 directly over asyncio streams. A phone
# is what a browser is for these pages: one keep-alive connection, its own cookies,
# `Accept-Encoding: gzip` (so the server compresses as it would for a phone).

class PhoneClient:
    """One simulated phone: `await phone.request("GET", "/j/DREAM")` → (status, headers,
    text). Cookies set by the server are kept and sent back (path and expiry ignored:
    each phone talks to one site)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self._reader: Any = None
        self._writer: Any = None

    async def __aenter__(self) -> "PhoneClient":
        import asyncio

        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self._writer.close()
        try:
            await self._writer.wait_closed()
        except OSError:
            pass

    async def request(self, method: str, path: str, form: dict[str, str] | None = None
                      ) -> tuple[int, dict[str, str], str]:
        import gzip
        from urllib.parse import urlencode

        body = urlencode(form).encode() if form is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 "User-Agent: c4d-bench-phone", "Accept: text/html", "Accept-Encoding: gzip"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if form is not None:
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        head = (await self._reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in head[1:]:
            if ":" not in line:
                continue
            name, value = line.split(":", 1)
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
            headers[name] = value
        if "content-length" in headers:
            data = await self._reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
                parts.append(await self._reader.readexactly(size + 2))
                if size == 0:
                    break
            data = b"".join(p[:-2] for p in parts)
        else:
            data = b""
        if headers.get("content-encoding") == "gzip":
            data = gzip.decompress(data)
        return status, headers, data.decode("utf-8", errors="replace")


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) used so far by the live processes of a process group,
    e.g. a server started by start_server(); read from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid:  # fields: state, ppid, pgrp, ..., utime (11), stime (12)
            total += (int(fields[11]) + int(fields[12])) / tick
    return total
