"""Reading what a phone posts: the body, the form's fields, and from them a vote, an idea
or pre-test answers, checked against what the form was made for.

Bad input never reaches the count: a body over BODY_LIMIT is refused before it is read
whole, a damaged form gives None, and a vote or answers that break the rules raise
`Invalid` with the reason already in the phone's language. The store checks a vote once
more against the ballot before it is saved.

Form fields name options by their position on the ballot (`o`, `d3`, `r3`, `s3_1`): that
keeps a big scoring matrix small, and it is safe because an open ballot's options cannot
change and the form's nonce is signed over the option ids (`ballot_subject`). Pre-test
forms: `w` the main message in the participant's own words, `s0`, `s1`, ... a score per
criterion in use (`pretest_subject`), `c0`, ... an optional why, `g` a comment, `sx`/`ag`
sex and age band.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from c4d.ideas.model import IDEA_MAX
from c4d.phones import phrases as phrase_book
from c4d.phones.model import CARD_CODE_LENGTH, CODE_ALPHABET, JOIN_CODE_LENGTH
from c4d.pretest import model as pretest
from c4d.voting.model import SCORE_MAX, SCORE_MIN, Ballot, VotingMethod

BODY_LIMIT = 16 * 1024
MAX_FIELDS = 400  # a 30 × 10 scoring matrix has 300 score fields
IDEA_LIMIT = IDEA_MAX

JOIN_CODE = re.compile(f"^[{CODE_ALPHABET}]{{{JOIN_CODE_LENGTH}}}$")
CARD_CODE = re.compile(f"^[{CODE_ALPHABET}]{{{CARD_CODE_LENGTH}}}$")
_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")


class Invalid(Exception):
    """A vote or idea that cannot be taken; the message is already in the phone's language."""


async def read_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it is bigger than `limit` (read no further than that)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                return None
        except ValueError:
            return None
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            return None
    return bytes(body)


def read_fields(body: bytes) -> dict[str, list[str]] | None:
    """The fields of an urlencoded form, each name with every value sent for it; None for
    a damaged form (bad percent-encoding or UTF-8, more than MAX_FIELDS fields)."""
    try:
        pairs = parse_qsl(body.decode("latin-1"), keep_blank_values=True, encoding="utf-8",
                          errors="strict", max_num_fields=MAX_FIELDS)
    except (ValueError, UnicodeError):
        return None
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return fields


def one(fields: Mapping[str, list[str]], name: str) -> str | None:
    """The field's value when it was sent exactly once, else None."""
    values = fields.get(name)
    return values[0] if values and len(values) == 1 else None


def ballot_subject(ballot: Ballot) -> str:
    """What a ballot form is signed over: the ballot and the meaning of its positions."""
    return "|".join([ballot.id, ballot.method.value, ",".join(ballot.option_ids),
                     ",".join(c.id for c in ballot.criteria)])


def ideas_subject(session_id: str) -> str:
    return "ideas:" + session_id


def collapse(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- a vote


def read_vote(ballot: Ballot, fields: Mapping[str, list[str]], w: Mapping[str, str]) -> dict[str, Any]:
    """The vote's content from the form, or Invalid with the reason for the participant.
    The store checks it once more against the ballot before it is saved."""
    f = phrase_book.fill
    options = ballot.options
    method = ballot.method
    positions = {str(i): option.id for i, option in enumerate(options)}

    def number(raw: str, low: int, high: int, message: str) -> int:
        if not _NUMBER.match(raw):
            raise Invalid(message)
        value = int(raw)
        if not low <= value <= high:
            raise Invalid(message)
        return value

    if method in (VotingMethod.single, VotingMethod.multiple) or (
            method is VotingMethod.dots and not ballot.allow_stacking):
        picked = fields.get("o", [])
        if any(p not in positions for p in picked) or len(set(picked)) != len(picked):
            raise Invalid(w["option_unknown"])
        if not picked:
            raise Invalid(w["dots_none"] if method is VotingMethod.dots else w["choose_option"])
        ids = [positions[p] for p in picked]
        if method is VotingMethod.single:
            if len(ids) > 1:
                raise Invalid(w["choose_only_one"])
            return {"selections": ids}
        if method is VotingMethod.multiple:
            if len(ids) > ballot.choice_limit:
                raise Invalid(f(w["choose_at_most"], k=ballot.choice_limit))
            return {"selections": ids}
        if len(ids) > (ballot.dots or 0):
            raise Invalid(f(w["dots_over"], n=ballot.dots or 0, placed=len(ids)))
        return {"dots": {option_id: 1 for option_id in ids}}

    if method is VotingMethod.dots:
        top = ballot.dots or 0
        dots: dict[str, int] = {}
        for i, option in enumerate(options):
            raw = fields.get(f"d{i}", [""])
            if len(raw) != 1:
                raise Invalid(w["bad_form"])
            if raw[0].strip():
                n = number(raw[0], 0, top, f(w["dots_number"], n=top))
                if n:
                    dots[option.id] = n
        placed = sum(dots.values())
        if not placed:
            raise Invalid(w["dots_none"])
        if placed > top:
            raise Invalid(f(w["dots_over"], n=top, placed=placed))
        return {"dots": dots}

    if method.is_ranking:
        n = len(options)
        places: dict[int, str] = {}
        for i, option in enumerate(options):
            raw = fields.get(f"r{i}", [""])
            if len(raw) != 1:
                raise Invalid(w["bad_form"])
            if not raw[0].strip():
                continue
            place = number(raw[0], 1, n, w["bad_form"])
            if place in places:
                raise Invalid(f(w["rank_twice"], p=place))
            places[place] = option.id
        if not places:
            raise Invalid(w["rank_none"])
        if method is VotingMethod.ranking_borda and len(places) != n:
            raise Invalid(f(w["rank_missing"], n=n))
        return {"ranking": [places[p] for p in sorted(places)]}  # gaps in the places are harmless

    scores: dict[str, dict[str, int]] = {}
    for i, option in enumerate(options):
        row: dict[str, int] = {}
        for j, criterion in enumerate(ballot.criteria):
            raw = fields.get(f"s{i}_{j}", [])
            if not raw:
                raise Invalid(w["score_missing"])
            if len(raw) != 1:
                raise Invalid(w["bad_form"])
            row[criterion.id] = number(raw[0], SCORE_MIN, SCORE_MAX, f(w["score_range"], min=SCORE_MIN, max=SCORE_MAX))
        scores[option.id] = row
    return {"scores": scores}


# --------------------------------------------------------------------------- what a phone sent, in its address
# After a vote the phone is sent to its thank-you address, which carries what it chose as
# option positions (`?v=...`, signed with the thank-you flag), so the thank-you page can say
# it and "Change my vote" can fill the form in again without reading the database, and a
# vote made with a voter card shows too without its code in an address. Positions hold
# while the ballot exists: once a ballot is open its options can no longer change.
#   single, multiple: the chosen positions      "0.3"
#   dots:             the dots on each option    "2.0.1.0" (ticks, without stacking: as multiple)
#   ranking:          positions, first place on  "1.3.0"
#   matrix:           one digit per score, option by option, criterion by criterion  "5432"
ECHO_LIMIT = 1000  # a 30 × 10 matrix is 300 digits
_ECHO = re.compile(r"^[0-9.]{1,1000}$")


def choice_code(ballot: Ballot, fields: Mapping[str, list[str]]) -> str:
    """What a ballot form sent, once `read_vote` has taken it, as option positions (see
    above). Read from the form's own fields, which already name positions: the vote path
    pays a string join for it."""
    method = ballot.method
    if method is VotingMethod.single or method is VotingMethod.multiple or (
            method is VotingMethod.dots and not ballot.allow_stacking):
        picked = fields["o"]
        return picked[0] if len(picked) == 1 else ".".join(sorted(picked, key=int))
    n = len(ballot.options)
    if method is VotingMethod.dots:
        return ".".join(str(int(raw[0])) if (raw := fields.get(f"d{i}")) and raw[0].strip() else "0"
                        for i in range(n))
    if method is VotingMethod.matrix:
        return "".join(str(int(fields[f"s{i}_{j}"][0])) for i in range(n) for j in range(len(ballot.criteria)))
    places = sorted((int(raw[0]), i) for i in range(n) if (raw := fields.get(f"r{i}")) and raw[0].strip())
    return ".".join(str(i) for _, i in places)


def choice_fields(ballot: Ballot, code: str | None) -> dict[str, list[str]] | None:
    """The ballot form's fields that `code` stands for (to fill the form in again), or
    None when it does not fit this ballot."""
    if not code or not _ECHO.match(code):
        return None
    n = len(ballot.options)
    method = ballot.method
    if method is VotingMethod.matrix:
        width = len(ballot.criteria)
        if "." in code or len(code) != n * width or not all(SCORE_MIN <= int(d) <= SCORE_MAX for d in code):
            return None
        return {f"s{i}_{j}": [code[i * width + j]] for i in range(n) for j in range(width)}
    try:
        numbers = [int(part) for part in code.split(".")]
    except ValueError:
        return None
    if method is VotingMethod.dots and ballot.allow_stacking:
        if len(numbers) != n:
            return None
        return {f"d{i}": [str(dots)] for i, dots in enumerate(numbers)}
    if any(not 0 <= i < n for i in numbers) or len(set(numbers)) != len(numbers):
        return None
    if method.is_ranking:
        return {f"r{i}": [str(place)] for place, i in enumerate(numbers, start=1)}
    return {"o": [str(i) for i in sorted(numbers)]}


# --------------------------------------------------------------------------- pre-test answers

SEXES = ("woman", "man", "another", "undisclosed")


def pretest_subject(session_id: str, material_id: str, criteria: list[pretest.Criterion]) -> str:
    """What a scoring form is signed over: the session, the material and the meaning of
    the positions s0, s1, ... (the criteria in use)."""
    return "pretest:" + "|".join([session_id, material_id, ",".join(c.value for c in criteria)])


def read_pretest(criteria: list[pretest.Criterion], fields: Mapping[str, list[str]],
                  w: Mapping[str, str]) -> dict[str, Any]:
    """The answers on a scoring form, or Invalid with the reason for the participant.
    Question 1 is the main message in their own words; questions 2, 3, ... the criteria."""
    f = phrase_book.fill
    missing: list[str] = []
    too_long = f(w["pretest_too_long"], max=pretest.WORDS_MAX)

    def text(name: str, limit: int) -> str:
        values = fields.get(name, [])
        if len(values) > 1:
            raise Invalid(w["bad_form"])
        value = collapse(values[0]) if values else ""
        if len(value) > limit:
            raise Invalid(too_long)
        return value

    words = text("w", pretest.WORDS_MAX)
    if not words:
        missing.append("1")
    scores: dict[pretest.Criterion, int] = {}
    comments: dict[str, str] = {}
    for i, criterion in enumerate(criteria):
        raw = fields.get(f"s{i}", [])
        if len(raw) > 1:
            raise Invalid(w["bad_form"])
        if not raw or not raw[0].strip():
            missing.append(str(i + 2))
        else:
            if not _NUMBER.match(raw[0]) or not pretest.SCORE_MIN <= int(raw[0]) <= pretest.SCORE_MAX:
                raise Invalid(w["bad_form"])
            scores[criterion] = int(raw[0])
        if comment := text(f"c{i}", pretest.COMMENT_MAX):
            comments[criterion.value] = comment
    if general := text("g", pretest.COMMENT_MAX):
        comments[pretest.GENERAL] = general
    if missing:
        raise Invalid(f(w["pretest_missing"], missing=", ".join(missing)))
    sex, age = text("sx", 20), text("ag", 4)
    if sex and sex not in SEXES:
        raise Invalid(w["bad_form"])
    if age and not (age.isdigit() and int(age) < len(pretest.AGE_BANDS)):
        raise Invalid(w["bad_form"])
    return {"scores": scores, "own_words": words, "comments": comments,
            "sex": pretest.Sex(sex) if sex else None, "age": pretest.AGE_BANDS[int(age)] if age else None}


def pretest_posted(response: pretest.Response | None, person: pretest.Respondent | None,
                    criteria: list[pretest.Criterion]) -> dict[str, list[str]]:
    """A saved answer as form fields, to fill the form in again ("change my answers")."""
    posted: dict[str, list[str]] = {}
    if response is not None:
        posted["w"] = [response.own_words]
        for i, criterion in enumerate(criteria):
            if criterion in response.scores:
                posted[f"s{i}"] = [str(response.scores[criterion])]
            if criterion.value in response.comments:
                posted[f"c{i}"] = [response.comments[criterion.value]]
        if pretest.GENERAL in response.comments:
            posted["g"] = [response.comments[pretest.GENERAL]]
    if person is not None:
        if person.sex is not None:
            posted["sx"] = [person.sex.value]
        if person.age_band in pretest.AGE_BANDS:
            posted["ag"] = [str(pretest.AGE_BANDS.index(person.age_band))]
    return posted
