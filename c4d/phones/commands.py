"""The writes the facilitator's pages make about the participant site, each one function in
one transaction: the translations of the phrases the phones show.

(What a phone sends — votes, ideas, pre-test answers — is saved by the routes through the
tools' own writes: `Store.cast_vote`, `Store.save_idea`, `c4d.pretest.commands`.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from c4d.phones.model import PHRASES_SETTING
from c4d.phones.phrases import LANGUAGE_PATTERN, PHRASE_KEYS, TEXT_MAX, load_translations


def save_translations(store: Any, language: str, typed: Mapping[str, str]) -> int:
    """Save the phrases of one language as typed ({key: text}); an empty text removes the
    translation (English shows again). Every phrase is checked first, and the ones that
    changed are saved together, in one transaction, or none of them (ValueError with the
    reason). Returns how many changed."""
    language = (language or "").strip()
    if not LANGUAGE_PATTERN.fullmatch(language):
        raise ValueError("Use a language code such as 'en', 'mn' or 'km'.")
    cleaned: dict[str, str] = {}
    for key, text in typed.items():
        if key not in PHRASE_KEYS:
            raise ValueError(f"There is no participant phrase called '{key}'.")
        text = (text or "").strip()
        if len(text) > TEXT_MAX:
            raise ValueError(f"Keep a phrase under {TEXT_MAX} characters (this one has {len(text)}).")
        cleaned[key] = text
    with store.transaction():  # read and write as one change
        translations = load_translations(store)
        table = translations.setdefault(language, {})
        changed = 0
        for key, text in cleaned.items():
            if text == table.get(key, ""):
                continue
            changed += 1
            if text:
                table[key] = text
            else:
                table.pop(key, None)
        if not table:
            del translations[language]
        if changed:
            store.set_setting(PHRASES_SETTING, translations)
    return changed


def save_translation(store: Any, language: str, key: str, text: str) -> None:
    """Save one translated phrase; empty text removes the translation (English shows again)."""
    save_translations(store, language, {key: text})
