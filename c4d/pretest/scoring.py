"""Pre-test scoring: plain arithmetic over the answers.

A score of 4 or 5 is favourable; a criterion is *ready* when the favourable share reaches
the campaign's threshold (70% unless changed), and a material is ready when every
criterion with answers is (the coded main message included). Shares are compared as
whole numbers (favourable × 100 ≥ threshold × n), so 7 of 10 at 70% is ready on every
machine. Results can be split by group, sex, age band or role (`breakdown`) and put side
by side (`compare`: versions of one material, or alternatives such as slogan A vs B).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from c4d.models import Sex
from c4d.pretest.model import (
    AGE_BANDS,
    DEFAULT_THRESHOLD,
    SCORE_MAX,
    SCORE_MIN,
    SMALL_N,
    Coding,
    Composition,
    Criterion,
    Material,
    PretestDoc,
    PretestError,
    Response,
    Role,
    Verdict,
)
from c4d.text import percent, plural

CODED = "Main message (coded)"  # the row of the coded main message, beside the criteria


@dataclass(frozen=True)
class CriterionResult:
    """The answers on one criterion: n, how many favourable (4–5), mean, verdict."""

    criterion: Criterion
    counts: tuple[int, int, int, int, int]  # how many gave 1, 2, 3, 4, 5
    threshold: int

    @property
    def n(self) -> int:
        return sum(self.counts)

    @property
    def favourable(self) -> int:
        return self.counts[3] + self.counts[4]

    @property
    def share(self) -> float | None:
        return self.favourable / self.n if self.n else None

    @property
    def mean(self) -> float | None:
        if not self.n:
            return None
        return sum(score * k for score, k in zip(range(1, 6), self.counts)) / self.n

    @property
    def verdict(self) -> Verdict:
        return meets(self.favourable, self.n, self.threshold)

    @property
    def small(self) -> bool:
        return 0 < self.n < SMALL_N

    @property
    def step(self) -> float | None:
        """How many percentage points one answer moves the share."""
        return 100 / self.n if self.n else None


def meets(favourable: int, n: int, threshold: int) -> Verdict:
    """Ready when favourable / n reaches the threshold (in whole numbers: no rounding
    surprises at exactly 70%)."""
    if n <= 0:
        return Verdict.no_data
    return Verdict.ready if favourable * 100 >= threshold * n else Verdict.revise


def criterion_result(scores: Iterable[int], criterion: Criterion,
                     threshold: int = DEFAULT_THRESHOLD) -> CriterionResult:
    counts = [0, 0, 0, 0, 0]
    for score in scores:
        if isinstance(score, bool) or not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX:
            raise PretestError(f"A score must be a whole number from {SCORE_MIN} to {SCORE_MAX}, got {score!r}.")
        counts[score - 1] += 1
    return CriterionResult(criterion, tuple(counts), threshold)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Understanding:
    """The participants' own words for the main message, as the facilitator coded them."""

    correct: int
    partly: int
    incorrect: int
    uncoded: int
    threshold: int

    @property
    def n(self) -> int:
        return self.correct + self.partly + self.incorrect

    @property
    def share(self) -> float | None:
        return self.correct / self.n if self.n else None

    @property
    def verdict(self) -> Verdict:
        return meets(self.correct, self.n, self.threshold)

    @property
    def small(self) -> bool:
        return 0 < self.n < SMALL_N


@dataclass
class MaterialResult:
    material: Material
    criteria: list[CriterionResult]
    understanding: Understanding
    answers: int  # responses with anything in them
    threshold: int

    @property
    def scored(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.n]

    @property
    def verdict(self) -> Verdict:
        """Ready when every criterion with answers is ready, the coded main message included."""
        verdicts = [c.verdict for c in self.scored]
        if self.understanding.n:
            verdicts.append(self.understanding.verdict)
        if not verdicts:
            return Verdict.no_data
        return Verdict.revise if Verdict.revise in verdicts else Verdict.ready

    @property
    def weakest(self) -> CriterionResult | None:
        scored = self.scored
        if not scored:
            return None
        return min(scored, key=lambda c: (c.favourable * 100 - self.threshold * c.n) / c.n)

    @property
    def small(self) -> bool:
        return 0 < self.answers < SMALL_N

    def get(self, criterion: Criterion) -> CriterionResult | None:
        return next((c for c in self.criteria if c.criterion is criterion), None)

    def shortfalls(self) -> list[str]:
        """Why the verdict is 'revise', e.g. 'Relevance: 56% favourable (5 of 9)'."""
        lines = [f"{c.criterion.label}: {percent(c.share)} favourable ({c.favourable} of {c.n})"
                 for c in self.scored if c.verdict is Verdict.revise]
        u = self.understanding
        if u.n and u.verdict is Verdict.revise:
            lines.append(f"Main message in their own words: {percent(u.share)} correct ({u.correct} of {u.n})")
        return lines


def result_of(doc: PretestDoc, material: Material | str, responses: Iterable[Response] | None = None, *,
              session_id: str | None = None) -> MaterialResult:
    """The results of a material over the given answers (default: all of its answers, or
    one session's)."""
    material = doc.material(material) if isinstance(material, str) else material
    answers = list(responses) if responses is not None else doc.responses_to(material.id, session_id)
    answers = [r for r in answers if r.material_id == material.id and not r.is_empty]
    criteria = [criterion_result([r.scores[c] for r in answers if c in r.scores], c, doc.threshold)
                for c in doc.criteria()]
    codes = Counter(r.coding for r in answers if r.own_words or r.coding)
    understanding = Understanding(codes[Coding.correct], codes[Coding.partly], codes[Coding.incorrect],
                                  codes[None], doc.threshold)
    return MaterialResult(material, criteria, understanding, len(answers), doc.threshold)


# ---- disaggregation --------------------------------------------------------------------------

BREAKDOWNS = {"group": "Pre-test group", "sex": "Sex", "age": "Age band", "role": "Role"}
NOT_RECORDED = "Not recorded"


def _group_names(store_sessions: Mapping[str, str], session_id: str) -> str:
    return store_sessions.get(session_id, "A session no longer in the campaign")


def breakdown(doc: PretestDoc, material_id: str, by: str, session_names: Mapping[str, str] | None = None,
              ) -> list[tuple[str, MaterialResult]]:
    """A material's results split by pre-test group, sex, age band or role. Every answer
    falls in exactly one group; unknown values form a 'Not recorded' group, shown like
    the others (with its n) rather than hidden."""
    if by not in BREAKDOWNS:
        raise PretestError(f"Results can be split by {', '.join(BREAKDOWNS)}.")
    people = {r.id: r for r in doc.respondents}
    groups = {g.session_id: g for g in doc.groups}
    names = session_names or {}

    def key(response: Response) -> str:
        person = people.get(response.respondent_id)
        if by == "group":
            return _group_names(names, response.session_id)
        if person is None:
            return NOT_RECORDED
        if by == "sex":
            return person.sex.label if person.sex is not None else NOT_RECORDED
        if by == "age":
            return person.age_band or NOT_RECORDED
        role = person.role
        if role is None:
            group = groups.get(response.session_id)
            role = {Composition.target_audience: Role.target_audience,
                    Composition.stakeholders: Role.stakeholder}.get(group.composition) if group else None
        return role.label if role is not None else NOT_RECORDED

    split: dict[str, list[Response]] = {}
    for response in doc.responses_to(material_id):
        if not response.is_empty:
            split.setdefault(key(response), []).append(response)
    order = {"sex": [s.label for s in Sex], "age": list(AGE_BANDS), "role": [r.label for r in Role],
             "group": list(dict.fromkeys(names.values()))}[by]
    ranked = sorted(split, key=lambda k: (k == NOT_RECORDED, order.index(k) if k in order else len(order), k))
    return [(k, result_of(doc, material_id, split[k])) for k in ranked]


# ---- comparisons -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ComparisonRow:
    criterion: Criterion | None  # None: the coded main message
    label: str
    shares: tuple[float | None, ...]
    ns: tuple[int, ...]
    verdicts: tuple[Verdict, ...]
    leader: int | None  # index of the material ahead; None for a tie or no answers

    def difference(self, a: int = 0, b: int = 1) -> float | None:
        """Percentage points by which material b is ahead of material a (negative: behind)."""
        if self.shares[a] is None or self.shares[b] is None:
            return None
        return (self.shares[b] - self.shares[a]) * 100


@dataclass
class Comparison:
    results: list[MaterialResult]
    rows: list[ComparisonRow]

    @property
    def names(self) -> list[str]:
        return [r.material.name for r in self.results]

    def ahead_on(self, index: int) -> int:
        return sum(1 for row in self.rows if row.leader == index)

    def notes(self) -> list[str]:
        lines = []
        small = [r.material.name for r in self.results if 0 < r.answers < SMALL_N]
        if small:
            lines.append("Few answers for " + ", ".join(small) + f" (fewer than {SMALL_N}): read the differences "
                         "with care.")
        ns = [r.answers for r in self.results if r.answers]
        if ns:
            fewest = min(ns)
            lines.append(f"With {plural(fewest, 'answer')}, one person changes a share by about "
                         f"{100 / fewest:.0f} points.")
        return lines


def compare(doc: PretestDoc, material_ids: Sequence[str], *, session_id: str | None = None) -> Comparison:
    """Side by side: versions of one material, or alternatives (slogan A vs slogan B)."""
    if len(material_ids) < 2:
        raise PretestError("Choose at least two materials to compare.")
    if len(set(material_ids)) != len(material_ids):
        raise PretestError("A material is chosen twice.")
    results = [result_of(doc, m, session_id=session_id) for m in material_ids]
    rows = []
    for criterion in doc.criteria():
        found = [r.get(criterion) for r in results]
        shares = tuple(c.share if c else None for c in found)
        rows.append(ComparisonRow(criterion, criterion.label, shares, tuple(c.n if c else 0 for c in found),
                                  tuple(c.verdict if c else Verdict.no_data for c in found), _leader(shares)))
    if any(r.understanding.n for r in results):
        shares = tuple(r.understanding.share for r in results)
        rows.append(ComparisonRow(None, CODED, shares, tuple(r.understanding.n for r in results),
                                  tuple(r.understanding.verdict for r in results), _leader(shares)))
    return Comparison(results, rows)


def _leader(shares: Sequence[float | None]) -> int | None:
    known = [(s, i) for i, s in enumerate(shares) if s is not None]
    if len(known) < 2:
        return None
    best = max(s for s, _ in known)
    top = [i for s, i in known if abs(s - best) < 1e-12]
    return top[0] if len(top) == 1 else None
