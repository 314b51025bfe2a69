"""The `c4d` command, run in-process against a data folder of the test's own."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

import c4d
from c4d import cli
from c4d.backup import export_campaign
from c4d.demo.example import DEMO_ID
from c4d.db.store import Store

NAME = "Dream Umbrella — Мөрөөдлийн шүхэр"


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("C4D_DATA_DIR", str(folder))
    monkeypatch.delenv("C4D_DATABASE_URL", raising=False)
    return folder


@pytest.fixture
def run(data_dir, capsys):
    """Run `c4d ...` and return (exit code, stdout, stderr)."""

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def open_store(data_dir: Path) -> Store:
    return Store(f"sqlite:///{data_dir / 'c4d.sqlite3'}")


def assert_one_line_error(err: str, expected: str) -> None:
    assert err == f"c4d: {expected}\n"
    assert "Traceback" not in err


# ---- help and listing ----------------------------------------------------------------------

def test_without_a_command_the_help_lists_every_command(run):
    code, out, _ = run()
    assert code == 0
    for command in ("serve", "campaigns", "sessions", "demo", "backup", "export"):
        assert command in out


def test_a_usage_mistake_exits_2_with_argparse_message(run):
    code, _, err = run("backup", "import", "x.c4d.json", "--as-copy", "--replace")
    assert code == 2
    assert "not allowed with argument" in err


def test_version(run):
    code, out, _ = run("--version")
    assert (code, out.strip()) == (0, f"c4d {c4d.__version__}")


def test_campaigns_on_a_new_laptop_suggests_the_example(run, data_dir):
    code, out, err = run("campaigns")
    assert (code, err) == (0, "")
    assert out == "No campaigns yet. Run 'c4d demo' to load the example, or create one in the app.\n"
    assert (data_dir / "c4d.sqlite3").exists()  # C4D_DATA_DIR was followed


def test_demo_twice_gives_one_campaign(run, data_dir):
    code, out, _ = run("demo")
    assert code == 0
    assert out == f"Loaded the example campaign '{NAME}' (slug: dream-umbrella).\n"
    code, out, _ = run("demo")
    assert code == 0
    assert "already here" in out and "nothing was added" in out
    store = open_store(data_dir)
    assert [c.id for c in store.campaigns(include_archived=True)] == [DEMO_ID]


def test_campaigns_lists_slug_and_name_and_archived_ones_only_with_all(run, data_dir):
    run("demo")
    store = open_store(data_dir)
    old = store.create_campaign(store.campaign(DEMO_ID).model_copy(update={"id": "0" * 32, "name": "Old pilot",
                                                                           "slug": ""}))
    store.set_archived(old.id, True)

    code, out, _ = run("campaigns")
    assert code == 0
    assert out.splitlines() == [f"dream-umbrella  {NAME}"]
    code, out, _ = run("campaigns", "--all")
    lines = out.splitlines()
    assert sorted(lines) == sorted([f"dream-umbrella  {NAME}", "old-pilot       Old pilot (archived)"])


def test_sessions_by_slug_or_id_show_slug_kind_dates_and_title(run):
    run("demo")
    code, out, err = run("sessions", "dream-umbrella")
    assert (code, err) == (0, "")
    first = out.splitlines()[0].split("  ")
    assert [cell.strip() for cell in first if cell.strip()] == [
        "ppcd-2020", "PPCD workshop", "18–19 Jun 2020", "Participatory Planning and Capacity Development workshop"]
    assert run("sessions", DEMO_ID)[1] == out


def test_sessions_of_a_campaign_without_any(run, data_dir):
    store = open_store(data_dir)
    from c4d.models import Campaign

    store.create_campaign(Campaign(name="Fresh start"))
    code, out, _ = run("sessions", "fresh-start")
    assert (code, out) == (0, "'Fresh start' has no workshop sessions yet.\n")


def test_an_unknown_campaign_is_one_line_on_stderr_and_exit_1(run):
    for argv in (("sessions", "nope"), ("backup", "export", "nope"),
                 ("export", "report", "nope", "--session", "ppcd-2020")):
        code, out, err = run(*argv)
        assert (code, out) == (1, "")
        assert_one_line_error(err, "No campaign called 'nope'. Run 'c4d campaigns' to see the names.")


def test_a_clash_with_what_is_saved_is_one_line(run, data_dir):
    from c4d.models import Campaign

    open_store(data_dir).create_campaign(Campaign(name=NAME.upper()))
    code, _, err = run("demo")
    assert code == 1
    assert_one_line_error(err, f"A campaign named '{NAME.upper()}' already exists; choose another name.")


def test_data_that_no_longer_validates_is_one_line_not_a_traceback(run, data_dir):
    run("demo")
    store = open_store(data_dir)
    with store.engine.begin() as connection:  # as if the database had been edited by hand
        connection.execute(text("UPDATE campaigns SET participant_language = 'Mongolian'"))
    code, _, err = run("campaigns")
    assert code == 1
    assert_one_line_error(err, "participant language: use a language code such as 'en', 'mn' or 'km'")


# ---- backup ----------------------------------------------------------------------------------

def test_backup_export_into_a_folder_uses_the_suggested_name(run, data_dir, tmp_path):
    run("demo")
    code, out, err = run("backup", "export", "dream-umbrella", "-o", str(tmp_path))
    assert (code, err) == (0, "")
    written = tmp_path / "dream-umbrella.c4d.json"
    assert out.startswith(f"Saved the backup to {written} (")
    assert written.read_bytes() == export_campaign(open_store(data_dir), DEMO_ID)[1]
    assert not list(tmp_path.glob(".*.part"))  # no half-written leftovers


def test_backup_export_to_a_named_file_and_to_a_missing_folder(run, tmp_path):
    run("demo")
    target = tmp_path / "monday.c4d.json"
    assert run("backup", "export", DEMO_ID, "-o", str(target))[0] == 0
    assert json.loads(target.read_bytes())["campaign"]["id"] == DEMO_ID
    code, _, err = run("backup", "export", DEMO_ID, "-o", str(tmp_path / "no" / "such.c4d.json"))
    assert code == 1
    assert_one_line_error(err, f"There is no folder '{tmp_path / 'no'}' to save 'such.c4d.json' in.")


def test_backup_import_refuses_an_existing_campaign_then_copies_or_replaces(run, data_dir, tmp_path):
    run("demo")
    run("backup", "export", "dream-umbrella", "-o", str(tmp_path))
    backup_file = str(tmp_path / "dream-umbrella.c4d.json")

    code, out, err = run("backup", "import", backup_file)
    assert (code, out) == (1, "")
    assert_one_line_error(err, f"The campaign '{NAME}' is already here (slug: dream-umbrella); nothing was changed. "
                               f"Add --as-copy to keep both, or --replace to replace it with the backup's version.")
    assert len(open_store(data_dir).campaigns(include_archived=True)) == 1

    code, out, _ = run("backup", "import", backup_file, "--as-copy")
    assert code == 0
    assert out == (f"Imported as a copy: '{NAME} (imported)' (slug: dream-umbrella-imported); "
                   f"'{NAME}' is unchanged.\n")
    store = open_store(data_dir)
    copy = store.campaign("dream-umbrella-imported")
    assert copy.id != DEMO_ID
    assert len(store.participants(store.sessions(copy.id)[0].id)) == 39

    code, out, _ = run("backup", "import", backup_file, "--replace")
    assert code == 0 and out.startswith(f"Replaced '{NAME}'")
    assert len(open_store(data_dir).campaigns(include_archived=True)) == 2


def test_backup_import_on_another_laptop(run, data_dir, tmp_path, monkeypatch):
    run("demo")
    run("backup", "export", "dream-umbrella", "-o", str(tmp_path))
    monkeypatch.setenv("C4D_DATA_DIR", str(tmp_path / "other-laptop"))
    code, out, _ = run("backup", "import", str(tmp_path / "dream-umbrella.c4d.json"))
    assert (code, out) == (0, f"Imported '{NAME}' (slug: dream-umbrella).\n")
    assert open_store(tmp_path / "other-laptop").campaign(DEMO_ID).name == NAME


@pytest.mark.parametrize("content, reason", [
    (b"", "The file is empty."),
    (b"name,organisation\nA,B\n", "This is not a campaign backup file (unreadable at character 0)."),
    (b'{"format": "c4d-campaign", "format_version": 99}',
     "This backup was made by a newer version of the toolkit (backup format 99; this toolkit reads up to format 2). "
     "Update the toolkit, then import it again."),
])
def test_backup_import_of_a_bad_file_gives_the_reason(run, data_dir, tmp_path, content, reason):
    bad = tmp_path / "bad.c4d.json"
    bad.write_bytes(content)
    code, out, err = run("backup", "import", str(bad))
    assert (code, out) == (1, "")
    assert_one_line_error(err, reason)
    assert open_store(data_dir).campaigns(include_archived=True) == []


def test_backup_import_of_a_missing_file_or_a_folder(run, tmp_path):
    code, _, err = run("backup", "import", str(tmp_path / "missing.c4d.json"))
    assert code == 1
    assert_one_line_error(err, f"There is no file '{tmp_path / 'missing.c4d.json'}'.")
    code, _, err = run("backup", "import", str(tmp_path))
    assert code == 1
    assert_one_line_error(err, f"'{tmp_path}' is a folder, not a backup file.")


def test_backup_import_checks_the_size_before_reading(run, tmp_path, monkeypatch):
    from c4d import backup

    monkeypatch.setattr(backup, "MAX_BACKUP_BYTES", 1024)
    big = tmp_path / "big.c4d.json"
    big.write_bytes(b" " * 4096)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read a file that is too big"))
    code, _, err = run("backup", "import", str(big))
    assert code == 1
    assert_one_line_error(err, "The file is 4 KB; a backup can be at most 1 KB.")


# ---- workshop report ----------------------------------------------------------------------------

def test_export_report_writes_the_sessions_docx(run, tmp_path):
    pytest.importorskip("c4d.export.workshop_report")
    run("demo")
    target = tmp_path / "ppcd.docx"
    code, out, err = run("export", "report", "dream-umbrella", "--session", "ppcd-2020", "-o", str(target))
    assert (code, err) == (0, "")
    assert out.startswith(f"Saved the workshop report to {target} (")
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert "Мөрөөдлийн шүхэр" in body


def test_export_report_into_a_folder_uses_a_safe_file_name(run, tmp_path):
    pytest.importorskip("c4d.export.workshop_report")
    run("demo")
    code, out, _ = run("export", "report", DEMO_ID, "--session", "ppcd-2020", "-o", str(tmp_path))
    assert code == 0
    [written] = tmp_path.glob("*.docx")
    assert written.name.startswith("dream-umbrella") and "ppcd-2020" in written.name
    assert str(written) in out


def test_export_report_loads_only_what_the_report_needs(run, data_dir, tmp_path):
    """A new process writing the report imports neither Streamlit nor the page charts'
    Altair and pandas (together about a second of start-up)."""
    run("demo")
    target = tmp_path / "ppcd.docx"
    script = ("import sys\n"
              "from c4d import cli\n"
              "code = cli.main(sys.argv[1:])\n"
              "heavy = ('streamlit', 'altair', 'pandas', 'numpy', 'pyarrow')\n"
              "print(sorted(m for m in heavy if m in sys.modules))\n"
              "sys.exit(code)\n")
    done = subprocess.run(
        [sys.executable, "-c", script, "export", "report", "dream-umbrella", "--session", "ppcd-2020",
         "-o", str(target)],
        capture_output=True, text=True, timeout=120, cwd=Path(c4d.__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
    with zipfile.ZipFile(target) as docx:
        pictures = [n for n in docx.namelist() if n.startswith("word/media/")]
    assert len(pictures) == 8  # every chart and drawing is in the report


def test_export_report_for_an_unknown_session_names_the_listing_command(run):
    run("demo")
    code, _, err = run("export", "report", "dream-umbrella", "--session", "media-camp-9")
    assert code == 1
    assert_one_line_error(err, f"No session called 'media-camp-9' in '{NAME}'. "
                               f"Run 'c4d sessions dream-umbrella' to see the sessions.")


def test_export_report_needs_a_session(run):
    code, _, err = run("export", "report", "dream-umbrella")
    assert code == 2 and "--session" in err


# ---- serve -------------------------------------------------------------------------------------

class FakeServer:
    """Stands in for the Streamlit process."""

    def __init__(self, exit_code: int = 0, interrupted: bool = False):
        self.exit_code, self.interrupted = exit_code, interrupted
        self.calls: list[dict] = []
        self.terminated = False

    def __call__(self, command, cwd=None, env=None):
        self.calls.append({"command": command, "cwd": cwd, "env": env})
        return self

    def wait(self, timeout=None):
        if self.interrupted:
            self.interrupted = False
            raise KeyboardInterrupt  # Ctrl-C in the terminal reaches both processes
        return self.exit_code

    def terminate(self):
        self.terminated = True

    kill = terminate


@pytest.fixture(autouse=True)
def any_port_free(monkeypatch):
    """`c4d serve` checks it can listen before starting; these tests start no server, so
    the check is left out (a port busy on the test machine must not fail them)."""
    monkeypatch.setattr(cli, "check_can_listen", lambda host, port: None)


def test_serve_runs_streamlit_on_the_network_without_telemetry(run, monkeypatch, data_dir):
    server = FakeServer()
    monkeypatch.setattr(subprocess, "Popen", server)
    code, out, _ = run("serve")
    assert code == 0
    [call] = server.calls
    app = Path(c4d.__file__).resolve().parent.parent / "app.py"
    assert call["command"] == [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.address", "0.0.0.0", "--server.port", "8501",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--logger.hideWelcomeMessage", "true",
    ]
    assert Path(call["cwd"]) == app.parent  # so the project's .streamlit settings apply
    assert str(data_dir / "c4d.sqlite3") in out.splitlines()[0]  # where the data lives, before starting


def test_serve_with_host_port_and_open(run, monkeypatch):
    server = FakeServer()
    monkeypatch.setattr(subprocess, "Popen", server)
    opened = []
    monkeypatch.setattr(cli, "open_when_ready", lambda url: opened.append(url))
    code, out, _ = run("serve", "--host", "127.0.0.1", "--port", "9100", "--open")
    assert code == 0
    command = server.calls[0]["command"]
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert command[command.index("--server.port") + 1] == "9100"
    # headless even with --open: Streamlit's own browser opening comes with an e-mail prompt
    assert command[command.index("--server.headless") + 1] == "true"
    assert command[command.index("--browser.gatherUsageStats") + 1] == "false"
    assert opened == ["http://localhost:9100"] and "Open http://localhost:9100" in out


def test_without_open_no_browser_is_opened(run, monkeypatch):
    monkeypatch.setattr(subprocess, "Popen", FakeServer())
    opened = []
    monkeypatch.setattr(cli, "open_when_ready", lambda url: opened.append(url))
    assert run("serve")[0] == 0 and opened == []


@pytest.mark.parametrize("host, url", [("0.0.0.0", "http://localhost:8501"), ("127.0.0.1", "http://localhost:8501"),
                                       ("192.168.1.20", "http://192.168.1.20:8501"), ("::", "http://localhost:8501")])
def test_the_laptops_own_address_for_the_server(host, url):
    assert cli.local_url(host, 8501) == url


def test_the_browser_opens_once_the_server_answers(monkeypatch):
    import http.server
    import threading
    import webbrowser

    opened = threading.Event()
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.set())

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/_stcore/health" else 404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        cli.open_when_ready(f"http://127.0.0.1:{server.server_port}", deadline_s=30).join(timeout=30)
        assert opened.is_set()
    finally:
        server.shutdown()


def test_serve_forwards_the_exit_code_and_waits_for_a_clean_stop_on_ctrl_c(run, monkeypatch):
    monkeypatch.setattr(subprocess, "Popen", FakeServer(exit_code=3))
    assert run("serve")[0] == 3
    stopping = FakeServer(exit_code=0, interrupted=True)
    monkeypatch.setattr(subprocess, "Popen", stopping)
    assert run("serve")[0] == 0
    assert not stopping.terminated  # it stopped by itself


def test_serve_passes_a_relative_data_folder_as_an_absolute_one(run, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("C4D_DATA_DIR", "workshop-data")
    server = FakeServer()
    monkeypatch.setattr(subprocess, "Popen", server)
    run("serve")
    assert server.calls[0]["env"]["C4D_DATA_DIR"] == str(tmp_path / "workshop-data")


def test_serve_rejects_a_port_that_is_not_a_number(run):
    code, _, err = run("serve", "--port", "eighty")
    assert code == 2 and "'eighty' is not a port" in err


def test_stopping_c4d_serve_stops_the_server_and_frees_the_port(tmp_path):
    """A stop sent to `c4d serve` alone (as a service manager or `kill` does) stops the
    Streamlit server it started: nothing keeps running on the port."""
    import os
    import signal
    import socket
    import time

    from tests.browser.conftest import free_port, wait_until_up

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("C4D_")}
    env["C4D_DATA_DIR"] = str(tmp_path / "data")
    c4d = Path(sys.executable).with_name("c4d")
    process = subprocess.Popen([str(c4d), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/_stcore/health", process)
        process.send_signal(signal.SIGTERM)  # to c4d alone, not its process group
        assert process.wait(timeout=30) is not None
        deadline = time.monotonic() + 15
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) != 0:
                    break  # nobody listens any more
            assert time.monotonic() < deadline, "the server kept running after c4d serve was stopped"
            time.sleep(0.2)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # whatever of the group is left
            except ProcessLookupError:
                pass
