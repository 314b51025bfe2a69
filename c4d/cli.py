"""The `c4d` command: what facilitators and IT staff run from a terminal or a script.

    c4d serve [--host HOST] [--port PORT] [--open]
    c4d campaigns [--all]
    c4d sessions CAMPAIGN
    c4d demo
    c4d backup export CAMPAIGN [-o FILE]
    c4d backup import FILE [--as-copy | --replace]
    c4d export report CAMPAIGN --session SESSION [-o FILE.docx]
    c4d export brief CAMPAIGN [-o FILE.docx] [--summary] [--note TEXT]
    c4d live [--port PORT] [--address ADDRESS]

CAMPAIGN is a campaign's slug or id (see `c4d campaigns`); SESSION is a session's slug
or id (see `c4d sessions CAMPAIGN`). Mistakes are reported in one line on stderr with
exit code 1, never as a traceback. The data location follows `C4D_DATA_DIR` and
`C4D_DATABASE_URL` (see `c4d.config`).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import c4d
from c4d import config
from c4d.text import size_label

PROG = "c4d"
DEFAULT_HOST = "0.0.0.0"  # phones on the laptop's Wi-Fi reach the participant pages
DEFAULT_PORT = 8501
SERVED_PORT = "served_port"  # setting: the port `c4d serve` last started on, for `c4d live`


class CommandError(Exception):
    """A mistake the person running the command can fix; shown as one line."""


# ---- helpers ------------------------------------------------------------------------

def port_number(text: str) -> int:
    """A --port value: a whole number from 1 to 65535."""
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port: use a whole number from 1 to 65535, "
                                         f"e.g. {DEFAULT_PORT}")
    return port


def check_can_listen(host: str, port: int) -> None:
    """Refuse, in words, an address this laptop does not have or a port already taken,
    before the server starts (it would otherwise stop with a traceback)."""
    import errno
    import socket

    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError, ValueError):
        raise CommandError(f"--host: '{host}' is not an address (use {DEFAULT_HOST} for the Wi-Fi, or "
                           f"127.0.0.1 for this laptop only).") from None
    family, kind, proto, _, address = found[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CommandError(f"port {port} is already in use, perhaps by the toolkit started earlier; "
                                   f"stop it, or choose another port with --port.") from None
            raise CommandError(f"--host: this laptop has no address {host} (use {DEFAULT_HOST} for the "
                               f"Wi-Fi, or 127.0.0.1 for this laptop only).") from None


def app_path() -> Path:
    """The Streamlit entry point that ships beside the package."""
    return Path(c4d.__file__).resolve().parent.parent / "app.py"


def streamlit_command(host: str, port: int) -> list[str]:
    """Always headless: otherwise Streamlit's first start asks for an e-mail address in
    the terminal. `c4d serve --open` opens the browser itself (see open_when_ready)."""
    return [
        sys.executable, "-m", "streamlit", "run", str(app_path()),
        "--server.address", host,
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--logger.hideWelcomeMessage", "true",  # its banner looks the address up online
    ]


def local_url(host: str, port: int) -> str:
    """The address this laptop's own browser uses for a server listening on `host`."""
    if host in ("0.0.0.0", "::", "", "localhost") or host.startswith("127."):
        return f"http://localhost:{port}"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def open_when_ready(url: str, deadline_s: float = 90.0) -> threading.Thread:
    """Open `url` in this laptop's browser once the server answers there (in the
    background; gives up quietly after `deadline_s`)."""
    import time
    import urllib.request
    import webbrowser

    def wait_then_open() -> None:
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        webbrowser.open(url)
                        return
            except OSError:
                pass
            time.sleep(0.3)

    opener = threading.Thread(target=wait_then_open, name="open-browser", daemon=True)
    opener.start()
    return opener


def _absolute_data_env(env: dict[str, str]) -> dict[str, str]:
    """The server runs from the project folder (so its settings and images are found);
    a relative data location given by the caller must keep meaning the caller's folder."""
    env = dict(env)
    if env.get("C4D_DATA_DIR"):
        env["C4D_DATA_DIR"] = str(Path(env["C4D_DATA_DIR"]).expanduser().resolve())
    url = env.get("C4D_DATABASE_URL", "")
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:" and not Path(path).is_absolute():
            env["C4D_DATABASE_URL"] = "sqlite:///" + str(Path(path).resolve())
    return env


def run_streamlit(command: list[str], cwd: Path, env: dict[str, str]) -> int:
    """Run the server until it stops; its exit code becomes ours. Ctrl-C reaches the
    server too (same terminal), so we wait for it to shut down cleanly. A stop asked of
    this command alone (SIGTERM, or SIGHUP when its terminal closes) is passed on to the
    server, which would otherwise go on running, holding the port."""
    process = subprocess.Popen(command, cwd=cwd, env=env)

    def pass_on(signum: int, _frame: object) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            try:
                signal.signal(getattr(signal, name), pass_on)
            except ValueError:  # not the main thread (tests calling main() from a thread)
                pass
    try:
        return process.wait()
    except KeyboardInterrupt:
        try:
            return process.wait(timeout=15)
        except (KeyboardInterrupt, subprocess.TimeoutExpired):
            process.terminate()
            try:
                return process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                return process.wait()


def _open_store():
    from c4d.db.store import Store

    return Store()


def _write_file(path: Path, data: bytes) -> None:
    """Write the whole file or nothing: an existing file is only replaced once the new
    one is complete."""
    folder = path.parent
    if not folder.is_dir():
        raise CommandError(f"There is no folder '{folder}' to save '{path.name}' in.")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _target(output: str | None, suggested: str) -> Path:
    """-o FILE as given, or the suggested name inside -o FOLDER (or the current folder)."""
    if not output:
        return Path.cwd() / suggested
    path = Path(output).expanduser()
    return path / suggested if path.is_dir() else path


def _aligned(rows: list[list[str]]) -> list[str]:
    """Columns padded to the widest entry; the last column is left as it is."""
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return ["  ".join([cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]).rstrip()
            for row in rows]


# ---- commands -------------------------------------------------------------------------

def cmd_serve(args: argparse.Namespace) -> int:
    app = app_path()
    if not app.is_file():
        raise CommandError(f"The app file {app} is missing; reinstall the toolkit.")
    from c4d import lan

    check_can_listen(args.host, args.port)
    store = _open_store()
    try:
        store.set_setting(SERVED_PORT, args.port)  # so `c4d live` prints links with this port
        phones = lan.lan_address(store)
    finally:
        store.engine.dispose()
    print(f"C4D workshop toolkit · data: {config.describe_location()}", flush=True)
    if args.host not in {"127.0.0.1", "localhost", "::1"}:
        print("Other devices on this network can connect; facilitator pages ask them for the passcode.",
              flush=True)
    command = streamlit_command(args.host, args.port)
    url = local_url(args.host, args.port)
    print(f"Open {url} in this laptop's browser.", flush=True)
    if args.host not in {"127.0.0.1", "localhost", "::1"} and phones.reachable_by_phones:
        print(f"Phones on the same Wi-Fi open {lan.base_url(phones, args.port)}/j (the live screen shows the code).",
              flush=True)
    if args.open:
        open_when_ready(url)
    return run_streamlit(command, cwd=app.parent, env=_absolute_data_env(dict(os.environ)))


def cmd_campaigns(args: argparse.Namespace) -> int:
    store = _open_store()
    try:
        campaigns = store.campaigns(include_archived=args.all)
    finally:
        store.engine.dispose()
    if not campaigns:
        print("No campaigns yet. Run 'c4d demo' to load the example, or create one in the app.")
        return 0
    rows = [[c.slug, c.name + (" (archived)" if c.archived else "")] for c in campaigns]
    print("\n".join(_aligned(rows)))
    return 0


def cmd_sessions(args: argparse.Namespace) -> int:
    store = _open_store()
    try:
        campaign = store.campaign(args.campaign)
        sessions = store.sessions(campaign.id)
    finally:
        store.engine.dispose()
    if not sessions:
        print(f"'{campaign.name}' has no workshop sessions yet.")
        return 0
    rows = [[s.slug, s.kind.label, s.dates_label(), s.title] for s in sessions]
    print("\n".join(_aligned(rows)))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from c4d.demo.example import DEMO_ID, load_demo
    from c4d.db.errors import NotFound

    store = _open_store()
    try:
        try:
            campaign = store.campaign(DEMO_ID)
        except NotFound:
            campaign = load_demo(store)
            print(f"Loaded the example campaign '{campaign.name}' (slug: {campaign.slug}).")
        else:
            print(f"The example campaign '{campaign.name}' is already here (slug: {campaign.slug}); "
                  f"nothing was added.")
    finally:
        store.engine.dispose()
    return 0


def cmd_backup_export(args: argparse.Namespace) -> int:
    from c4d.backup import export_campaign

    store = _open_store()
    try:
        name, data = export_campaign(store, args.campaign)
    finally:
        store.engine.dispose()
    path = _target(args.output, name)
    _write_file(path, data)
    if name.endswith(".zip") and path.suffix.lower() == ".json":
        print(f"{PROG}: note: this campaign has attached files, so the backup is a zip file "
              f"even though its name ends in .json.", file=sys.stderr)
    print(f"Saved the backup to {path} ({size_label(len(data))}).")
    return 0


def cmd_backup_import(args: argparse.Namespace) -> int:
    from c4d.backup import ImportMode, check_size, existing_match, import_campaign, read_backup

    path = Path(args.file).expanduser()
    if not path.exists():
        raise CommandError(f"There is no file '{path}'.")
    if not path.is_file():
        raise CommandError(f"'{path}' is a folder, not a backup file.")
    check_size(path.stat().st_size)
    data = path.read_bytes()
    mode = ImportMode.copy if args.as_copy else ImportMode.replace if args.replace else ImportMode.refuse
    store = _open_store()
    try:
        existing = existing_match(store, read_backup(data)[0])
        if existing is not None and mode is ImportMode.refuse:
            raise CommandError(
                f"The campaign '{existing.name}' is already here (slug: {existing.slug}); nothing was changed. "
                f"Add --as-copy to keep both, or --replace to replace it with the backup's version."
            )
        campaign = import_campaign(store, data, mode)
    finally:
        store.engine.dispose()
    if existing is None:
        print(f"Imported '{campaign.name}' (slug: {campaign.slug}).")
    elif mode is ImportMode.copy:
        print(f"Imported as a copy: '{campaign.name}' (slug: {campaign.slug}); "
              f"'{existing.name}' is unchanged.")
    else:
        print(f"Replaced '{existing.name}' with the backup's version (slug: {campaign.slug}).")
    return 0


def cmd_export_report(args: argparse.Namespace) -> int:
    from c4d.db.errors import NotFound

    try:
        from c4d.export import workshop_report
        build_workshop_report = workshop_report.build_workshop_report
    except (ImportError, AttributeError) as exc:
        raise CommandError(
            f"The workshop report is not available in this installation of the toolkit ({exc})."
        ) from exc
    store = _open_store()
    try:
        campaign = store.campaign(args.campaign)
        try:
            session = store.session(campaign.id, args.session)
        except NotFound:
            raise CommandError(
                f"No session called '{args.session}' in '{campaign.name}'. "
                f"Run 'c4d sessions {campaign.slug}' to see the sessions."
            ) from None
        data = build_workshop_report(store, campaign.id, session.id)
    finally:
        store.engine.dispose()
    naming = getattr(workshop_report, "report_filename", None)
    suggested = naming(campaign, session) if naming else f"{campaign.slug}_{session.slug}_workshop-report.docx"
    path = _target(args.output, suggested)
    _write_file(path, data)
    print(f"Saved the workshop report to {path} ({size_label(len(data))}).")
    return 0


def cmd_export_brief(args: argparse.Namespace) -> int:
    """The creative brief as Word: the export saves the next numbered version (or reuses
    the latest when nothing changed), as the app's export does."""
    from c4d.brief.checks import check, completeness_line
    from c4d.export.brief_docx import export_brief

    store = _open_store()
    try:
        version, created, data, suggested = export_brief(store, args.campaign, summary=args.summary,
                                                         note=args.note or "")
    finally:
        store.engine.dispose()
    path = _target(args.output, suggested)
    _write_file(path, data)
    what = "one-page summary of the creative brief" if args.summary else "creative brief"
    made = "a new version" if created else f"nothing changed since it was saved on {version.date_label}"
    print(f"Saved the {what}, version {version.number} ({made}), to {path} ({size_label(len(data))}).")
    print(completeness_line(check(version.brief)))
    return 0


def cmd_live(args: argparse.Namespace) -> int:
    """The sessions whose phones show a ballot or the idea board, with their join links:
    for sharing in a group chat when the projector fails."""
    from c4d import lan
    from c4d.pretest import record
    from c4d.phones.model import Showing
    from c4d.db.errors import NotFound
    from c4d.voting.model import BallotStatus

    if args.address is not None:
        try:
            lan.parse_override(args.address)
        except lan.AddressError as exc:
            raise CommandError(f"--address: {exc}.") from None
    store = _open_store()
    try:
        address = lan.lan_address(store, override=args.address)
        port = args.port or store.setting(SERVED_PORT) or DEFAULT_PORT
        where = {}
        for campaign in store.campaigns(include_archived=True):
            for session in store.sessions(campaign.id):
                where[session.id] = (campaign, session)
        lines: list[str] = []
        for state in sorted(store.live_states(), key=lambda s: s.join_code):
            if state.showing is Showing.wait or state.session_id not in where:
                continue
            campaign, session = where[state.session_id]
            if state.showing is Showing.ballot:
                try:
                    ballot = store.ballot(state.ballot_id or "")
                except NotFound:
                    continue
                if ballot.status is not BallotStatus.open:
                    continue  # closed: the phones only show its result or a wait page
                what = f"Vote: {ballot.question}"
            elif state.showing is Showing.pretest:
                material = record.load(store, campaign.id).find_material(state.material_id)
                if material is None:
                    continue
                what = f"Pre-test: scoring {material.name}"
            else:
                what = "Idea board" + (f": {state.idea_prompt}" if state.idea_prompt else "")
            lines += [f"{campaign.name} · {session.title}", f"  {_one_line(what)}",
                      f"  {lan.join_url(address, state.join_code, port)}  (code {state.join_code})", ""]
    finally:
        store.engine.dispose()
    if not lines:
        print("No session is taking votes, ideas or pre-test scores right now. Open a ballot, the idea board "
              "or a pre-test in the app first.")
        return 0
    print("\n".join(lines).rstrip())
    if not address.reachable_by_phones:
        print(f"{PROG}: note: this laptop is on no network phones can reach, so these links work only on the "
              "laptop itself. Connect to the Wi-Fi or start the hotspot, or give --address.", file=sys.stderr)
    return 0


# ---- parser ---------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="C4D workshop toolkit: plan counter-trafficking campaigns with the P-Process "
                    "and the IOM X Roadshow.",
        epilog="CAMPAIGN is a campaign's slug or id (see 'c4d campaigns'). "
               "Data location: C4D_DATA_DIR or C4D_DATABASE_URL.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {c4d.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser("serve", help="start the toolkit in the browser",
                                description="Start the toolkit. Phones on the same network can join "
                                            "participant pages; facilitator pages ask for the passcode.")
    serve.add_argument("--host", default=DEFAULT_HOST,
                       help=f"address to listen on (default {DEFAULT_HOST}: reachable from the local "
                            f"network; 127.0.0.1 for this laptop only)")
    serve.add_argument("--port", type=port_number, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    serve.add_argument("--open", action="store_true", help="open the toolkit in this laptop's browser")
    serve.set_defaults(handler=cmd_serve)

    campaigns = commands.add_parser("campaigns", help="list the campaigns (slug and name)")
    campaigns.add_argument("--all", action="store_true", help="include archived campaigns")
    campaigns.set_defaults(handler=cmd_campaigns)

    sessions = commands.add_parser("sessions", help="list a campaign's workshop sessions")
    sessions.add_argument("campaign", metavar="CAMPAIGN", help="campaign slug or id")
    sessions.set_defaults(handler=cmd_sessions)

    demo = commands.add_parser("demo", help="load the Dream Umbrella example campaign (once)")
    demo.set_defaults(handler=cmd_demo)

    backup = commands.add_parser("backup", help="save a campaign to one file, or bring one in")
    backup_commands = backup.add_subparsers(dest="backup_command", metavar="ACTION", required=True)
    export = backup_commands.add_parser("export", help="save a whole campaign to a backup file")
    export.add_argument("campaign", metavar="CAMPAIGN", help="campaign slug or id")
    export.add_argument("-o", "--output", metavar="FILE",
                        help="file to write, or a folder to write it in under its suggested name "
                             "(default: the current folder)")
    export.set_defaults(handler=cmd_backup_export)
    imp = backup_commands.add_parser("import", help="bring in a campaign from a backup file")
    imp.add_argument("file", metavar="FILE", help="a .c4d.json or .c4d.zip backup")
    how = imp.add_mutually_exclusive_group()
    how.add_argument("--as-copy", action="store_true",
                     help="when the campaign is already here, keep both (the import gets a new name)")
    how.add_argument("--replace", action="store_true",
                     help="when the campaign is already here, replace it with the backup's version")
    imp.set_defaults(handler=cmd_backup_import)

    exports = commands.add_parser("export", help="write documents (the workshop report, the creative brief)")
    export_commands = exports.add_subparsers(dest="export_command", metavar="DOCUMENT", required=True)
    report = export_commands.add_parser("report", help="a session's workshop report (.docx)")
    report.add_argument("campaign", metavar="CAMPAIGN", help="campaign slug or id")
    report.add_argument("--session", required=True, metavar="SESSION", help="session slug or id")
    report.add_argument("-o", "--output", metavar="FILE.docx",
                        help="file to write, or a folder to write it in (default: the current folder)")
    report.set_defaults(handler=cmd_export_report)
    brief = export_commands.add_parser(
        "brief", help="the campaign's creative brief (.docx), saved as its next numbered version",
        description="Export the creative brief as a Word file. Each export is a numbered version (an export with "
                    "nothing changed since the latest version writes that version again).")
    brief.add_argument("campaign", metavar="CAMPAIGN", help="campaign slug or id")
    brief.add_argument("-o", "--output", metavar="FILE.docx",
                       help="file to write, or a folder to write it in (default: the current folder)")
    brief.add_argument("--summary", action="store_true", help="the one-page summary instead of the full brief")
    brief.add_argument("--note", metavar="TEXT", help="what this version is for (kept with a new version)")
    brief.set_defaults(handler=cmd_export_brief)

    live = commands.add_parser("live", help="print the join links of sessions taking votes or ideas now",
                               description="List the sessions whose phones show a ballot or the idea board, "
                                           "with the link to open, e.g. to share in a group chat when the "
                                           "projector fails.")
    live.add_argument("--port", type=port_number, default=None,
                      help=f"the port the toolkit runs on (default: the one 'c4d serve' last used, else "
                           f"{DEFAULT_PORT})")
    live.add_argument("--address", metavar="ADDRESS",
                      help="the laptop's address on the Wi-Fi, if the detected or saved one is wrong")
    live.set_defaults(handler=cmd_live)
    return parser


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _explain(exc: BaseException) -> str | None:
    """The one-line message for a mistake we expect; None for a real bug."""
    from pydantic import ValidationError
    from sqlalchemy.exc import OperationalError

    from c4d.backup import BackupError
    from c4d.models import friendly_errors
    from c4d.db.errors import Conflict, NotFound

    if isinstance(exc, ValidationError):
        return "; ".join(friendly_errors(exc))
    if isinstance(exc, (CommandError, NotFound, Conflict, BackupError)):
        return str(exc)
    if isinstance(exc, OperationalError):
        return f"Cannot use the database at {config.describe_location()}: {exc.orig}"
    if isinstance(exc, OSError):
        where = f" '{exc.filename}'" if exc.filename else ""
        return f"Cannot use{where}: {exc.strerror or exc}"
    return None


def _safe_output() -> None:
    """A terminal that cannot show some script (Mongolian, Khmer, ...) gets a '?' rather
    than a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure: Callable | None = getattr(stream, "reconfigure", None)
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if reconfigure is not None and encoding != "utf8":
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # pragma: no cover - exotic streams
                pass


def main(argv: Sequence[str] | None = None) -> int:
    _safe_output()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a usage mistake (code 2)
        return exit_.code if isinstance(exit_.code, int) else 1
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print(f"{PROG}: stopped.", file=sys.stderr)
        return 130
    except Exception as exc:
        message = _explain(exc)
        if message is None:
            raise
        print(f"{PROG}: {_one_line(message)}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
