"""Matching what people write loosely: whatever the case, spacing or punctuation, so
'Org. type', 'ORG TYPE' and 'org-type' are one heading, and 'F', 'female' one sex."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from c4d.text import clip


def folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def loose(text: str) -> str:
    """Case, space and punctuation removed: 'Org. type' -> 'orgtype', 'N/A' -> 'na'."""
    return re.sub(r"[\W_]+", "", folded(text))


def quoted(value: str, limit: int = 40) -> str:
    """A cell's text as a message quotes it: on one line, clipped, in quotes."""
    return f"'{clip(value, limit)}'"


def word_table(**groups: Iterable[str]) -> dict[str, str]:
    """{loose word: key} from lists of words by key."""
    return {loose(word): key for key, words in groups.items() for word in words}
