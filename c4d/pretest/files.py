"""A draft material's file, checked before anything is stored: its size, a known type, and
content that matches its name (a renamed or damaged file is refused with what to do)."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from c4d.pretest.model import MAX_FILE_BYTES, PretestError
from c4d.text import size_label


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    media_type: str
    kind: str
    content: bytes


ACCEPTED: dict[str, tuple[str, str, str]] = {  # extension: (media type, kind, what it is called)
    "png": ("image/png", "image", "PNG picture"),
    "jpg": ("image/jpeg", "image", "JPEG picture"),
    "jpeg": ("image/jpeg", "image", "JPEG picture"),
    "gif": ("image/gif", "image", "GIF picture"),
    "webp": ("image/webp", "image", "WebP picture"),
    "pdf": ("application/pdf", "pdf", "PDF document"),
    "mp3": ("audio/mpeg", "audio", "MP3 sound file"),
    "m4a": ("audio/mp4", "audio", "M4A sound file"),
    "wav": ("audio/wav", "audio", "WAV sound file"),
    "ogg": ("audio/ogg", "audio", "OGG sound file"),
    "mp4": ("video/mp4", "video", "MP4 video"),
    "webm": ("video/webm", "video", "WebM video"),
    "mov": ("video/quicktime", "video", "MOV video"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document",
             "Word document"),
    "txt": ("text/plain", "document", "text file"),
}
ACCEPTED_SUMMARY = ("pictures (PNG, JPEG, GIF, WebP), PDF, sound (MP3, M4A, WAV, OGG), video (MP4, WebM, MOV) "
                    "and scripts as Word (.docx) or text (.txt)")


def _looks_like(extension: str, head: bytes, content: bytes) -> bool:
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == "gif":
        return head.startswith((b"GIF87a", b"GIF89a"))
    if extension == "webp":
        return head.startswith(b"RIFF") and head[8:12] == b"WEBP"
    if extension == "pdf":
        return b"%PDF-" in head[:1024]
    if extension == "mp3":
        return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)
    if extension in ("m4a", "mp4", "mov"):
        return head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")
    if extension == "wav":
        return head.startswith(b"RIFF") and head[8:12] == b"WAVE"
    if extension == "ogg":
        return head.startswith(b"OggS")
    if extension == "webm":
        return head.startswith(b"\x1a\x45\xdf\xa3")
    if extension == "docx":
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return "word/document.xml" in archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
    if extension == "txt":
        try:
            content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return False
        return b"\x00" not in content
    return False


def check_file(filename: str, content: bytes, limit: int = MAX_FILE_BYTES) -> CheckedFile:
    """A file checked before anything is stored: size, a known type, and content that
    matches its name. Raises PretestError with what to do instead."""
    name = re.sub(r"[\x00-\x1f\x7f/\\]", "", (filename or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    name = unicodedata.normalize("NFC", name)[:200] or "file"
    if len(content) > limit:
        raise PretestError(f"'{name}' is {size_label(len(content))}; a draft material can be at most "
                           f"{limit // (1024 * 1024)} MB. Save a smaller version (a shorter clip, a lower "
                           f"resolution, a compressed PDF) or note where the full file is kept.")
    if not content:
        raise PretestError(f"'{name}' is empty.")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ACCEPTED:
        shown = f"'.{extension}' files" if extension else "Files without an extension"
        raise PretestError(f"{shown} are not accepted. Use {ACCEPTED_SUMMARY}.")
    media_type, kind, called = ACCEPTED[extension]
    if not _looks_like(extension, content[:4096], content):
        raise PretestError(f"'{name}' is named like a {called} but its content is not one; it may be damaged "
                           f"or renamed. Save it again as a {called}.")
    return CheckedFile(filename=name, media_type=media_type, kind=kind, content=content)
