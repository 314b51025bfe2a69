"""Word documents as a reader sees them: rendered by LibreOffice to PDF, read back with
poppler. `make test` installs both (scripts/ensure-test-tools); a machine without them
skips these tests, except in CI, where they fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

WORD = {"wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"}


@dataclass(frozen=True)
class Rendered:
    pages: int
    text: str  # the PDF's text, page after page (pdftotext)


def require_renderer() -> None:
    if all(shutil.which(tool) for tool in ("soffice", "pdfinfo", "pdftotext")):
        return
    if os.environ.get("CI"):
        pytest.fail("LibreOffice and poppler are required in CI (make test installs them)")
    pytest.skip("LibreOffice and poppler are needed to render documents (sudo apt-get install "
                "libreoffice-writer-nogui poppler-utils)")


def render(documents: dict[str, bytes], folder: Path) -> dict[str, Rendered]:
    """Render each DOCX (name → bytes) to PDF with one LibreOffice run."""
    require_renderer()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in documents.items():
        path = folder / f"{name}.docx"
        path.write_bytes(data)
        paths.append(str(path))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/lo", "--convert-to", "pdf",
                    "--outdir", str(folder), *paths], check=True, capture_output=True, timeout=600)
    rendered = {}
    for name in documents:
        pdf = folder / f"{name}.pdf"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        rendered[name] = Rendered(pages=pages, text=text)
    return rendered


def pictures_without_alt_text(data: bytes, folder: Path) -> list[str]:
    """The names of the document's pictures that carry no description for screen readers."""
    path = folder / "alt-text-check.docx"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    return [p.get("name", "?") for p in body.iterfind(".//wp:docPr", WORD) if not (p.get("descr") or "").strip()]
