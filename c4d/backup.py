"""Backup: a whole campaign in one versioned file, and back again on another laptop.

A campaign without attached files is a single `.c4d.json` document; with files it is a
`.c4d.zip` holding that document as `campaign.c4d.json` and each file under `files/`.
Import validates everything before it writes anything, and never overwrites an existing
campaign unless asked to. What was removed today and could still be restored (`c4d.removed`)
is not part of a backup: a backup holds the campaign as it is.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from c4d import __version__
from c4d.models import Campaign, Decision, Participant, Session, friendly_errors, new_id, same_name, utcnow
from c4d.audience.model import KINDS as AUDIENCE_PARTS
from c4d.ideas.model import Idea
from c4d.phones.model import LiveState, VoterCard
from c4d.voting.model import Ballot, HandCount, Vote, validate_vote
from c4d.db.errors import Conflict, NotFound
from c4d.db.store import Store
from c4d.text import plural, size_label

FORMAT = "c4d-campaign"
FORMAT_VERSION = 2  # 2: adds live participation (ballots, votes, ideas); 1 is still read
DOCUMENT_NAME = "campaign.c4d.json"
MAX_BACKUP_BYTES = 200 * 1024 * 1024
# What a zip may unpack to: attachments hardly compress, the document compresses well;
# anything beyond this is not a campaign (a "zip bomb" or a damaged file).
MAX_UNPACKED_FACTOR = 2


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
        "live": live_document(store, campaign.id),
    }


def live_document(store: Store, campaign_id: str) -> dict[str, list[dict[str, Any]]]:
    """Ballots, votes, show-of-hands counts, ideas, join codes and voter cards."""
    sessions = store.sessions(campaign_id)
    ballots = store.campaign_ballots(campaign_id)
    hands = [h for b in ballots if (h := store.hand_count(b.id)) is not None]
    states = [s for s in store.live_states() if s.session_id in {x.id for x in sessions}]
    return {
        "ballots": [b.model_dump(mode="json") for b in ballots],
        "votes": [v.model_dump(mode="json") for v in store.campaign_votes(campaign_id)],
        "hand_counts": [h.model_dump(mode="json") for h in hands],
        "ideas": [i.model_dump(mode="json") for s in sessions for i in store.ideas(s.id)],
        "states": [s.model_dump(mode="json") for s in sorted(states, key=lambda s: s.session_id)],
        "cards": [c.model_dump(mode="json") for s in sessions for c in store.cards(s.id)],
    }


def backup_filename(store: Store, campaign_id: str) -> str:
    campaign = store.campaign(campaign_id)
    return f"{campaign.slug}.c4d.zip" if store.attachments(campaign.id) else f"{campaign.slug}.c4d.json"


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
        # Each member is dated from the campaign's own data, not the clock, so exporting
        # the same campaign twice gives the same bytes.
        created = datetime.fromisoformat(document["campaign"]["created_at"])
        archive.writestr(_member(DOCUMENT_NAME, created), payload)
        for item in files:
            archive.writestr(_member(f"files/{item['id']}", item["created_at"]), item["content"])
    return f"{slug}.c4d.zip", buffer.getvalue()


def _member(name: str, when: datetime) -> zipfile.ZipInfo:
    # Zip dates run from 1980 to 2107.
    stamp = min(max(when.astimezone(timezone.utc).replace(tzinfo=None), datetime(1980, 1, 1)), datetime(2107, 12, 31))
    info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def check_size(n: int) -> None:
    """Refuse a file that is too big to be a backup before reading it into memory."""
    if n > MAX_BACKUP_BYTES:
        raise BackupError(
            f"The file is {size_label(n)}; a backup can be at most {size_label(MAX_BACKUP_BYTES)}."
        )


def _truncated(text: str) -> bool:
    """True when the text is the beginning of a JSON object that stops part-way: a
    bracket or a string is still open at the end."""
    text = text.strip()
    if not text.startswith("{"):
        return False
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth < 0:
                return False
    return in_string or depth > 0


def read_backup(data: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Parse and check a backup file; raises BackupError with a clear reason."""
    check_size(len(data))
    if not data.strip():
        raise BackupError("The file is empty.")
    files: dict[str, bytes] = {}
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if DOCUMENT_NAME not in names:
                    raise BackupError("This zip file is not a campaign backup: it has no campaign.c4d.json inside.")
                if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_FACTOR * MAX_BACKUP_BYTES:
                    raise BackupError(
                        f"This zip file unpacks to more than {size_label(MAX_UNPACKED_FACTOR * MAX_BACKUP_BYTES)}; "
                        f"it is not a campaign backup."
                    )
                raw = archive.read(DOCUMENT_NAME)
                files = {name.removeprefix("files/"): archive.read(name) for name in names if name.startswith("files/")}
        except BackupError:
            raise
        except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, zlib.error, OSError, ValueError,
                NotImplementedError, RuntimeError) as exc:
            # RuntimeError: a password-protected zip; NotImplementedError: a compression
            # method Python cannot read; zlib.error / OSError / ValueError: damaged data.
            raise BackupError("The zip file is damaged or incomplete; copy it again from the other laptop.") from exc
    else:
        raw = data
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.reason != "unexpected end of data":
            raise BackupError("This is not a campaign backup file (it is not text made by the toolkit).") from exc
        # Cut in the middle of a letter: read what is there and report where it stops.
        text = raw[: exc.start].decode("utf-8-sig", errors="replace")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if _truncated(text):
            raise BackupError("The backup file is incomplete: it stops part-way. Copy it again from the other laptop.") from exc
        raise BackupError(f"This is not a campaign backup file (unreadable at character {exc.pos}).") from exc
    except RecursionError as exc:
        raise BackupError("This is not a campaign backup file (it is nested too deeply to read).") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError("This is not a campaign backup file made by the C4D toolkit.")
    version = document.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BackupError("The backup file does not say which version made it; it cannot be read safely.")
    if version > FORMAT_VERSION:
        raise BackupError(
            f"This backup was made by a newer version of the toolkit (backup format {version}; "
            f"this toolkit reads up to format {FORMAT_VERSION}). Update the toolkit, then import it again."
        )
    _validate(document, files)
    return document, files


def _validate(document: dict[str, Any], files: dict[str, bytes]) -> None:
    damaged = "The backup file is damaged: "
    try:
        campaign = Campaign.model_validate(document["campaign"])
        session_ids: set[str] = set()
        for session in document["sessions"]:
            checked = Session.model_validate({k: v for k, v in session.items() if k != "participants"})
            if checked.campaign_id != campaign.id:
                raise BackupError(damaged + f"the session '{checked.title}' belongs to another campaign.")
            session_ids.add(checked.id)
            for participant in session["participants"]:
                person = Participant.model_validate(participant)
                if person.session_id != checked.id:
                    raise BackupError(damaged + f"a participant of '{checked.title}' belongs to another session.")
                if person.attendance and person.attendance[-1] > checked.days:
                    raise BackupError(
                        damaged + f"a participant of '{checked.title}' attended day {person.attendance[-1]}, "
                        f"but the session has {plural(checked.days, 'day')}."
                    )
        for decision in document["decisions"]:
            checked_decision = Decision.model_validate(decision)
            if checked_decision.campaign_id != campaign.id or (
                checked_decision.session_id is not None and checked_decision.session_id not in session_ids
            ):
                raise BackupError(damaged + f"the decision '{checked_decision.choice}' belongs to another campaign.")
        if not isinstance(document["worksheets"], dict) or not all(
            isinstance(value, dict) for value in document["worksheets"].values()
        ):
            raise BackupError("The worksheets in this backup are damaged.")
        for kind, model in AUDIENCE_PARTS.items():
            if kind in document["worksheets"]:
                model.model_validate(document["worksheets"][kind])
        _validate_live(document.get("live", {}), campaign.id, session_ids)
        for item in document["attachments"]:
            if not (isinstance(item["filename"], str) and isinstance(item["media_type"], str)):
                raise BackupError(damaged + "an attached file has no name.")
            datetime.fromisoformat(item["created_at"])
            if item["id"] not in files:
                raise BackupError(f"The backup lists the file '{item['filename']}' but does not contain it.")
    except BackupError:
        raise
    except KeyError as exc:
        raise BackupError(f"The backup file is missing its '{exc.args[0]}' part; it may be damaged.") from exc
    except ValidationError as exc:
        raise BackupError("The backup file has invalid content: " + "; ".join(friendly_errors(exc)[:5])) from exc
    except (TypeError, AttributeError, ValueError) as exc:
        raise BackupError("The backup file is damaged: its parts are not in the expected shape.") from exc


def _validate_live(live: dict[str, Any], campaign_id: str, session_ids: set[str]) -> None:
    damaged = "The backup file is damaged: "
    ballots = {}
    for item in live.get("ballots", []):
        ballot = Ballot.model_validate(item)
        if ballot.campaign_id != campaign_id or ballot.session_id not in session_ids:
            raise BackupError(damaged + f"the ballot '{ballot.question}' belongs to another campaign.")
        ballots[ballot.id] = ballot
    for item in live.get("votes", []):
        vote = Vote.model_validate(item)
        if vote.ballot_id not in ballots:
            raise BackupError(damaged + "a vote refers to a ballot that is not in the file.")
        validate_vote(ballots[vote.ballot_id], vote, require_open=False)
    for item in live.get("hand_counts", []):
        hands = HandCount.model_validate(item)
        if hands.ballot_id not in ballots:
            raise BackupError(damaged + "a show-of-hands count refers to a ballot that is not in the file.")
    for item in live.get("ideas", []):
        if Idea.model_validate(item).session_id not in session_ids:
            raise BackupError(damaged + "an idea belongs to another campaign.")
    for key, model in (("states", LiveState), ("cards", VoterCard)):
        for item in live.get(key, []):
            if model.model_validate(item).session_id not in session_ids:
                raise BackupError(damaged + "live participation data belongs to another campaign.")


def existing_match(store: Store, document: dict[str, Any]) -> Campaign | None:
    """The campaign on this laptop that the backup would collide with, if any."""
    try:
        return store.campaign(document["campaign"]["id"])
    except NotFound:
        return store.find_campaign_by_name(document["campaign"]["name"])


def import_campaign(store: Store, data: bytes, mode: ImportMode = ImportMode.refuse) -> Campaign:
    """Import a backup. Either the whole campaign arrives or nothing on this laptop changes
    (a campaign being replaced is put back if the import fails part-way)."""
    document, files = read_backup(data)
    existing = existing_match(store, document)
    if existing is None:
        return _load_or_explain(store, document, files, fresh_ids=False)
    if mode is ImportMode.refuse:
        raise BackupError(
            f"The campaign '{existing.name}' is already on this laptop. Choose to import it as a copy, "
            f"or to replace the one here."
        )
    if mode is ImportMode.copy:
        document["campaign"]["name"] = _copy_name(store, document["campaign"]["name"])
        return _load_or_explain(store, document, files, fresh_ids=True)
    # Replace: the name must not clash with a third campaign; removing the old one and
    # writing the new one happen in one transaction, so a failure changes nothing.
    for other in store.campaigns(include_archived=True):
        if other.id != existing.id and same_name(other.name, document["campaign"]["name"]):
            raise BackupError(
                f"Another campaign on this laptop is also called '{other.name}'; rename it, "
                f"or import the backup as a copy."
            )
    with store.transaction():
        store.delete_campaign(existing.id)
        return _load_or_explain(store, document, files, fresh_ids=False)


def duplicate_campaign(store: Store, campaign_id: str, new_name: str) -> Campaign:
    """A copy to plan a similar campaign: sessions, agenda, decisions, worksheets and files
    are copied; participant registers and live participation are not (they belong to the
    workshops that happened). Made through the campaign's backup document with fresh ids,
    written in one transaction; a name already in use is refused (Conflict), changing nothing."""
    document = campaign_document(store, campaign_id)
    document["campaign"]["name"] = new_name
    document["campaign"]["archived"] = False
    for session in document["sessions"]:
        session["participants"] = []
    document["live"] = {}  # ballots, votes and ideas belong to the workshops that happened
    files = {a["id"]: a["content"] for a in store.attachments(campaign_id)}
    return load_document(store, document, files=files, fresh_ids=True)


def _load_or_explain(store: Store, document: dict[str, Any], files: dict[str, bytes], fresh_ids: bool) -> Campaign:
    try:
        return load_document(store, document, files=files, fresh_ids=fresh_ids)
    except Conflict as exc:
        raise BackupError(f"The backup cannot be imported: {exc} Nothing was changed.") from exc
    except ValidationError as exc:
        raise BackupError("The backup file has invalid content: " + "; ".join(friendly_errors(exc)[:5])) from exc
    except SQLAlchemyError as exc:
        raise BackupError(
            "The backup cannot be imported: some of its records clash with records already on this "
            "laptop. Import it as a copy instead. Nothing was changed."
        ) from exc


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
        live = document.get("live", {})
        old_ids += [x["id"] for key in ("ballots", "votes", "hand_counts", "ideas") for x in live.get(key, [])]
        ids = {old: new_id() for old in old_ids}
        files = {ids.get(k, k): v for k, v in files.items()}
        document = _remap(document, ids)
        document["campaign"]["slug"] = ""
        document["campaign"]["created_at"] = utcnow().isoformat()
    campaign = Campaign.model_validate(document["campaign"])
    with store.transaction():  # all of it, or nothing
        campaign = store.create_campaign(campaign)
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
        _load_live(store, document.get("live", {}))
    return store.campaign(campaign.id)


def _load_live(store: Store, live: dict[str, Any]) -> None:
    for item in live.get("ballots", []):
        store.save_ballot(Ballot.model_validate(item))
    for item in live.get("votes", []):
        store.restore_vote(Vote.model_validate(item))
    for item in live.get("hand_counts", []):
        store.save_hand_count(HandCount.model_validate(item))
    for item in live.get("ideas", []):
        store.save_idea(Idea.model_validate(item))
    for item in live.get("states", []):
        store.restore_live_state(LiveState.model_validate(item))
    store.add_cards([VoterCard.model_validate(item) for item in live.get("cards", [])])
