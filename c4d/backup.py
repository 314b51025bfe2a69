"""Backup: a whole campaign in one versioned file, and back again on another laptop.

A campaign without attached files is a single `.c4d.json` document; with files it is a
`.c4d.zip` holding that document as `campaign.c4d.json` and each file under `files/`.
Import validates everything before it writes anything, and never overwrites an existing
campaign unless asked to.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import ValidationError

from c4d import __version__
from c4d.models import Campaign, Decision, Participant, Session, friendly_errors, new_id, same_name
from c4d.store import NotFound, Store

FORMAT = "c4d-campaign"
FORMAT_VERSION = 1
DOCUMENT_NAME = "campaign.c4d.json"
MAX_BACKUP_BYTES = 200 * 1024 * 1024


class BackupError(ValueError):
    """A backup file that cannot be imported, with the reason in the facilitator's terms."""


class ImportMode(str, Enum):
    refuse = "refuse"    # stop when the campaign is already on this laptop
    copy = "copy"        # keep both: the imported one gets new ids and a new name
    replace = "replace"  # the imported one replaces the one on this laptop


def campaign_document(store: Store, campaign_ref: str) -> dict[str, Any]:
    campaign = store.campaign(campaign_ref)
    sessions = []
    for session in store.sessions(campaign.id):
        item = session.model_dump(mode="json")
        item["participants"] = [p.model_dump(mode="json") for p in store.participants(session.id)]
        sessions.append(item)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "campaign": campaign.model_dump(mode="json"),
        "sessions": sessions,
        "decisions": [d.model_dump(mode="json") for d in store.decisions(campaign.id)],
        "worksheets": store.worksheets(campaign.id),
        "attachments": [
            {"id": a["id"], "filename": a["filename"], "media_type": a["media_type"],
             "created_at": a["created_at"].isoformat()}
            for a in store.attachments(campaign.id)
        ],
    }


def export_campaign(store: Store, campaign_ref: str) -> tuple[str, bytes]:
    """The backup file's suggested name and its bytes."""
    document = campaign_document(store, campaign_ref)
    slug = document["campaign"]["slug"]
    payload = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    files = store.attachments(document["campaign"]["id"])
    if not files:
        return f"{slug}.c4d.json", payload
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DOCUMENT_NAME, payload)
        for item in files:
            archive.writestr(f"files/{item['id']}", item["content"])
    return f"{slug}.c4d.zip", buffer.getvalue()


def read_backup(data: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Parse and check a backup file; raises BackupError with a clear reason."""
    if len(data) > MAX_BACKUP_BYTES:
        raise BackupError(f"The file is {len(data) / 1e6:.0f} MB; a backup can be at most {MAX_BACKUP_BYTES // 10**6} MB.")
    if not data.strip():
        raise BackupError("The file is empty.")
    files: dict[str, bytes] = {}
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if DOCUMENT_NAME not in names:
                    raise BackupError("This zip file is not a campaign backup: it has no campaign.c4d.json inside.")
                raw = archive.read(DOCUMENT_NAME)
                files = {name.removeprefix("files/"): archive.read(name) for name in names if name.startswith("files/")}
        except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
            raise BackupError("The zip file is damaged or incomplete; copy it again from the other laptop.") from exc
    else:
        raw = data
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BackupError("This is not a campaign backup file (it is not text made by the toolkit).") from exc
    except json.JSONDecodeError as exc:
        if exc.pos >= len(raw.rstrip()) - 1 and raw.lstrip()[:1] == b"{":
            raise BackupError("The backup file is incomplete: it stops part-way. Copy it again from the other laptop.") from exc
        raise BackupError(f"This is not a campaign backup file (unreadable at character {exc.pos}).") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError("This is not a campaign backup file made by the C4D toolkit.")
    version = document.get("format_version")
    if not isinstance(version, int):
        raise BackupError("The backup file does not say which version made it; it cannot be read safely.")
    if version > FORMAT_VERSION:
        raise BackupError(
            f"This backup was made by a newer version of the toolkit (backup format {version}; "
            f"this toolkit reads up to format {FORMAT_VERSION}). Update the toolkit, then import it again."
        )
    _validate(document, files)
    return document, files


def _validate(document: dict[str, Any], files: dict[str, bytes]) -> None:
    try:
        Campaign.model_validate(document["campaign"])
        for session in document["sessions"]:
            Session.model_validate({k: v for k, v in session.items() if k != "participants"})
            for participant in session["participants"]:
                Participant.model_validate(participant)
        for decision in document["decisions"]:
            Decision.model_validate(decision)
        if not isinstance(document["worksheets"], dict):
            raise BackupError("The worksheets in this backup are damaged.")
        for item in document["attachments"]:
            if item["id"] not in files:
                raise BackupError(f"The backup lists the file '{item['filename']}' but does not contain it.")
    except KeyError as exc:
        raise BackupError(f"The backup file is missing its '{exc.args[0]}' part; it may be damaged.") from exc
    except (TypeError, AttributeError) as exc:
        raise BackupError("The backup file is damaged: its parts are not in the expected shape.") from exc
    except ValidationError as exc:
        raise BackupError("The backup file has invalid content: " + "; ".join(friendly_errors(exc)[:5])) from exc


def existing_match(store: Store, document: dict[str, Any]) -> Campaign | None:
    """The campaign on this laptop that the backup would collide with, if any."""
    try:
        return store.campaign(document["campaign"]["id"])
    except NotFound:
        return store.find_campaign_by_name(document["campaign"]["name"])


def import_campaign(store: Store, data: bytes, mode: ImportMode = ImportMode.refuse) -> Campaign:
    document, files = read_backup(data)
    existing = existing_match(store, document)
    if existing is not None:
        if mode is ImportMode.refuse:
            raise BackupError(
                f"The campaign '{existing.name}' is already on this laptop. Choose to import it as a copy, "
                f"or to replace the one here."
            )
        if mode is ImportMode.replace:
            store.delete_campaign(existing.id)
        else:
            document["campaign"]["name"] = _copy_name(store, document["campaign"]["name"])
            return load_document(store, document, files=files, fresh_ids=True)
    return load_document(store, document, files=files, fresh_ids=False)


def _copy_name(store: Store, name: str) -> str:
    names = [c.name for c in store.campaigns(include_archived=True)]
    n = 1
    while True:
        candidate = f"{name} (imported{'' if n == 1 else f' {n}'})"
        if not any(same_name(candidate, existing) for existing in names):
            return candidate
        n += 1


def _remap(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return ids.get(value, value)
    if isinstance(value, list):
        return [_remap(v, ids) for v in value]
    if isinstance(value, dict):
        return {ids.get(k, k): _remap(v, ids) for k, v in value.items()}
    return value


def load_document(store: Store, document: dict[str, Any], files: dict[str, bytes] | None = None,
                  fresh_ids: bool = False) -> Campaign:
    """Write a checked campaign document into the store; with fresh_ids every id (and every
    reference to it inside worksheets) is replaced, so the copy lives beside the original."""
    files = files or {}
    document = json.loads(json.dumps(document))
    if fresh_ids:
        old_ids = [document["campaign"]["id"]]
        old_ids += [s["id"] for s in document["sessions"]]
        old_ids += [p["id"] for s in document["sessions"] for p in s["participants"]]
        old_ids += [d["id"] for d in document["decisions"]]
        old_ids += [a["id"] for a in document["attachments"]]
        ids = {old: new_id() for old in old_ids}
        files = {ids.get(k, k): v for k, v in files.items()}
        document = _remap(document, ids)
        document["campaign"]["slug"] = ""
        document["campaign"]["created_at"] = datetime.now().astimezone().isoformat()
    campaign = Campaign.model_validate(document["campaign"])
    campaign = store.create_campaign(campaign)
    try:
        for item in document["sessions"]:
            participants = item.pop("participants")
            store.add_session(Session.model_validate(item))
            store.add_participants([Participant.model_validate(p) for p in participants])
        for item in document["decisions"]:
            store.add_decision(Decision.model_validate(item))
        for kind, data in document["worksheets"].items():
            store.save_worksheet(campaign.id, kind, data)
        for item in document["attachments"]:
            store.restore_attachment(
                item["id"], campaign.id, item["filename"], item["media_type"], files[item["id"]],
                datetime.fromisoformat(item["created_at"]),
            )
    except Exception:
        store.delete_campaign(campaign.id)
        raise
    return store.campaign(campaign.id)
