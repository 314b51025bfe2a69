"""Paper forms: the printable score sheet (`paper_form_html`) for groups without phones,
and the grid the facilitator types the sheets into afterwards — its columns, its rows
(one per respondent, phones' rows included so their answers can be coded) and how an
edit of the grid is read, row by row, into the record (`apply_edits`; saving is
`commands.apply_grid_edits`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import ValidationError

from c4d.models import Sex, friendly_errors, name_key, new_id
from c4d.pretest.model import (
    COMMENT_MAX,
    GENERAL,
    SCORE_MAX,
    SCORE_MIN,
    WORDS_MAX,
    Coding,
    Criterion,
    Material,
    PretestDoc,
    PretestGroup,
    Respondent,
    Response,
    Role,
    age_band,
    clean_text,
    next_label,
)


COL_ID = "id"
COL_LABEL = "Participant"
COL_SEX = "Sex"
COL_AGE = "Age band"
COL_ROLE = "Role"
COL_SOURCE = "From"
COL_WORDS = "Main message in their words"
COL_CODING = "Coded"
COL_GENERAL = "General comment"


def score_column(criterion: Criterion) -> str:
    return criterion.label


def comment_column(criterion: Criterion) -> str:
    return f"Why ({criterion.label.lower()})"


SEX_BY_LABEL = {s.label: s for s in Sex}
ROLE_BY_LABEL = {r.label: r for r in Role}
CODING_BY_LABEL = {c.label: c for c in Coding}


def grid_columns(doc: PretestDoc) -> list[str]:
    criteria = doc.criteria()
    return ([COL_ID, COL_LABEL, COL_SEX, COL_AGE, COL_ROLE, COL_SOURCE, COL_WORDS, COL_CODING]
            + [score_column(c) for c in criteria] + [comment_column(c) for c in criteria] + [COL_GENERAL])


def grid_rows(doc: PretestDoc, session_id: str, material_id: str) -> list[dict[str, Any]]:
    """One row per respondent of the session, with their answers on this material."""
    answers = {r.respondent_id: r for r in doc.responses_to(material_id, session_id)}
    rows = []
    for person in doc.respondents_of(session_id):
        response = answers.get(person.id)
        row: dict[str, Any] = {
            COL_ID: person.id, COL_LABEL: person.label,
            COL_SEX: person.sex.label if person.sex else None, COL_AGE: person.age_band,
            COL_ROLE: person.role.label if person.role else None,
            COL_SOURCE: "phone" if person.device_key else "paper",
            COL_WORDS: response.own_words if response else "",
            COL_CODING: response.coding.label if response and response.coding else None,
            COL_GENERAL: response.comments.get(GENERAL, "") if response else "",
        }
        for c in doc.criteria():
            row[score_column(c)] = response.scores.get(c) if response else None
            row[comment_column(c)] = response.comments.get(c.value, "") if response else ""
        rows.append(row)
    return rows


@dataclass
class GridOutcome:
    saved: int = 0
    deleted: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _blank(value: Any) -> bool:
    if isinstance(value, float):
        return value != value  # NaN: an empty cell of a table
    return value is None or (isinstance(value, str) and not value.strip())


def read_score(value: Any, criterion: Criterion) -> int | None:
    """A grid cell as a score: None when empty; ValueError when not a whole number 1–5."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{criterion.label} must be a whole number from 1 to 5, got {value}")
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"{criterion.label} must be a whole number from 1 to 5, got '{str(value)[:20]}'") from None
    if number != number or not number.is_integer() or not SCORE_MIN <= number <= SCORE_MAX:
        shown = f"{number:g}" if number == number else str(value)
        raise ValueError(f"{criterion.label} must be a whole number from 1 to 5, got {shown}")
    return int(number)


def _choice(value: Any, table: Mapping[str, Any], what: str) -> Any:
    if _blank(value):
        return None
    if isinstance(value, Enum):
        return value
    text = str(value).strip()
    for label, item in table.items():
        if name_key(label) == name_key(text) or name_key(getattr(item, "value", "")) == name_key(text):
            return item
    raise ValueError(f"{what} must be one of {', '.join(table)}, got '{text[:30]}'")


def _row_to_records(doc: PretestDoc, row: Mapping[str, Any], person: Respondent | None, session_id: str,
                    material_id: str, existing: Response | None) -> tuple[Respondent, Response | None, list[str]]:
    """A grid row as a respondent and their answer; ValueError/ValidationError on bad cells."""
    label = clean_text(row.get(COL_LABEL), 200) if not _blank(row.get(COL_LABEL)) else ""
    if not label:
        label = person.label if person else next_label(doc, session_id)
    values = {
        "session_id": session_id, "label": label,
        "sex": _choice(row.get(COL_SEX), SEX_BY_LABEL, "Sex"),
        "age_band": age_band(row.get(COL_AGE)),
        "role": _choice(row.get(COL_ROLE), ROLE_BY_LABEL, "Role"),
    }
    if person is not None:
        respondent = Respondent.model_validate(person.model_dump() | values)
    else:
        respondent = Respondent(**values)
    missing: list[str] = []
    scores: dict[Criterion, int] = {}
    for c in doc.criteria():
        score = read_score(row.get(score_column(c)), c)
        if score is None:
            missing.append(c.label.lower())
        else:
            scores[c] = score
    comments = {c.value: row.get(comment_column(c)) for c in doc.criteria() if not _blank(row.get(comment_column(c)))}
    if not _blank(row.get(COL_GENERAL)):
        comments[GENERAL] = row.get(COL_GENERAL)
    words = "" if _blank(row.get(COL_WORDS)) else str(row.get(COL_WORDS))
    if len(words.strip()) > WORDS_MAX:
        raise ValueError(f"the main message in their words is {len(words.strip())} characters; keep it to {WORDS_MAX}")
    for key, text in comments.items():
        if len(str(text).strip()) > COMMENT_MAX:
            raise ValueError(f"a comment is {len(str(text).strip())} characters; keep it to {COMMENT_MAX}")
    coding = _choice(row.get(COL_CODING), CODING_BY_LABEL, "Coded")
    if not scores and not words.strip() and not comments and coding is None:
        return respondent, None, []
    response = Response(
        id=existing.id if existing else new_id(), session_id=session_id, material_id=material_id,
        respondent_id=respondent.id, scores=scores, own_words=words, coding=coding, comments=comments,
        source=existing.source if existing else "paper",
    )
    return respondent, response, (missing if scores or words.strip() else [])


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(friendly_errors(exc))
    return str(exc)


def apply_edits(doc: PretestDoc, session_id: str, material_id: str, base: Sequence[Mapping[str, Any]],
                changes: Mapping[str, Any], new_row_ids: dict[int, str]) -> GridOutcome:
    """Apply a grid editor's changes ({"edited_rows", "added_rows", "deleted_rows"}) to the
    record, in place (`commands.apply_grid_edits` reads and saves it in one transaction).
    Each row is checked on its own: a row with a bad cell is refused with its reason while
    the other rows are saved. A row with some scores missing is saved (those count as 'no
    answer') and named in the notes. `new_row_ids` maps added rows to the respondents
    already saved for them, so a new row edited again updates instead of duplicating; it is
    updated here."""
    outcome = GridOutcome()
    doc.material(material_id)
    if doc.group(session_id) is None:
        doc.groups.append(PretestGroup(session_id=session_id))
    deleted = {int(i) for i in changes.get("deleted_rows", [])}
    for index in sorted(deleted):
        if index < len(base):
            rid = base[index][COL_ID]
            doc.responses = [r for r in doc.responses
                             if not (r.respondent_id == rid and r.material_id == material_id)]
            if not any(r.respondent_id == rid for r in doc.responses):
                doc.respondents = [r for r in doc.respondents if r.id != rid]
            outcome.deleted += 1

    def put(row: Mapping[str, Any], person: Respondent | None, where: str) -> str | None:
        existing = None
        if person is not None:
            existing = next((r for r in doc.responses
                             if r.respondent_id == person.id and r.material_id == material_id), None)
        try:
            respondent, response, missing = _row_to_records(doc, row, person, session_id, material_id, existing)
            clash = next((r for r in doc.respondents_of(session_id)
                          if r.id != respondent.id and name_key(r.label) == name_key(respondent.label)), None)
            if clash is not None:
                raise ValueError(f"another row is already called '{clash.label}'")
        except (ValidationError, ValueError) as exc:
            outcome.errors.append(f"{where}: {_reason(exc)}. Nothing in this row was saved.")
            return None
        if person is None:
            doc.respondents.append(respondent)
        else:
            doc.respondents = [respondent if r.id == respondent.id else r for r in doc.respondents]
        doc.responses = [r for r in doc.responses if not (r.respondent_id == respondent.id
                                                          and r.material_id == material_id)]
        if response is not None:
            doc.responses.append(response)
        if missing:
            outcome.notes.append(f"{where} ({respondent.label}): no score yet for {', '.join(missing)} "
                                 f"(counted as no answer).")
        outcome.saved += 1
        return respondent.id

    people = {r.id: r for r in doc.respondents}
    # An edit changes the cells it names, on the row as saved now (a phone may have sent
    # answers since the grid was drawn): the other cells keep what is saved.
    saved_rows = {row[COL_ID]: row for row in grid_rows(doc, session_id, material_id)}
    for index, edits in changes.get("edited_rows", {}).items():
        index = int(index)
        if index in deleted or index >= len(base):
            continue
        person = people.get(base[index][COL_ID])
        if person is None:
            outcome.errors.append(f"Row {index + 1}: this person was removed meanwhile; nothing saved.")
            continue
        put(dict(saved_rows.get(person.id, base[index])) | dict(edits), person, f"Row {index + 1}")
    for position, row in enumerate(changes.get("added_rows", [])):
        if all(_blank(v) for k, v in row.items() if k not in (COL_ID, COL_SOURCE)):
            continue
        known = new_row_ids.get(position)
        person = people.get(known) if known else None
        saved = put(row, person, f"New row {len(base) + position + 1}")
        if saved is not None:
            new_row_ids[position] = saved
            people = {r.id: r for r in doc.respondents}
    return outcome


# ---- the printable score sheet ---------------------------------------------------------------

def paper_form_html(campaign_name: str, session_title: str, materials: Sequence[Material],
                    criteria: Sequence[Criterion], words: Mapping[str, str], language: str = "en") -> str:
    """A printable score sheet, one A4 page per material, with the same anchored wording
    as the phones (in the campaign's participant language where it is translated). For
    groups without phones; the facilitator types the sheets into the grid afterwards.
    Self-contained HTML: no scripts, fonts or pictures from elsewhere; all text escaped."""
    import html

    esc = html.escape
    pages = []
    for material in materials:
        questions = []
        for i, criterion in enumerate(criteria, start=2):
            key = f"pretest_{criterion.value}"
            boxes = "".join(f'<div class="box">☐ {v} · {esc(words[f"{key}_{v}"])}</div>' for v in range(1, 6))
            questions.append(f'<div class="q"><b>{i}. {esc(words[f"{key}_q"])}</b><div class="boxes">{boxes}</div>'
                             f'<div class="line">{esc(words["pretest_why"])}</div></div>')
        shown = (f'<div class="text">{esc(material.text)}</div>' if material.text.strip()
                 else f"<p>{esc(words['pretest_look'])}</p>")
        pages.append(
            '<section class="page">'
            f'<div class="head">{esc(campaign_name)} · {esc(session_title)} · '
            f'{esc(words["pretest_sex"])}: ______ · {esc(words["pretest_age"])}: ______ · №: ______</div>'
            f"<h1>{esc(material.title)} (v{material.version})</h1>{shown}"
            f'<p class="m">{esc(words["pretest_intro"])}</p>'
            f'<div class="q"><b>1. {esc(words["pretest_words"])}</b>'
            '<div class="line"></div><div class="line"></div></div>'
            + "".join(questions)
            + f'<div class="q"><b>{esc(words["pretest_comment"])}</b><div class="line"></div></div></section>')
    lang = esc(language or "en")
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{esc(campaign_name)} · pre-test score sheet · {esc(session_title)}</title>"
        "<style>@page{size:A4;margin:12mm}body{font:10.5pt/1.3 sans-serif;margin:0;color:#000}"
        ".page{page-break-after:always}.head{font-size:9pt;color:#333;border-bottom:1px solid #999;padding-bottom:2mm}"
        "h1{font-size:15pt;margin:3mm 0 2mm}.text{border-left:3mm solid #999;padding:1mm 3mm;white-space:pre-wrap;"
        "font-size:12pt}.m{font-size:9pt;color:#333}.q{margin:2.5mm 0;page-break-inside:avoid}"
        ".boxes{display:flex;flex-wrap:wrap;gap:1mm 4mm;margin:1mm 0}.box{font-size:9.5pt}"
        ".line{border-bottom:1px solid #777;min-height:6mm;font-size:8.5pt;color:#444}</style></head><body>"
        + "".join(pages) + "</body></html>")
