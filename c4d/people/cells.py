"""What a sign-in sheet's cell says: an organisation type, a sex, consent, a tick for a
day, a list of days. Short forms are accepted ("F", "x", "✓", "yes", Mongolian "эмэгтэй",
"тийм") where the meaning is clear; an organisation type that matches no known word, or
several, is an error naming the allowed values (nothing is quietly filed under "Other")."""

from __future__ import annotations

import re

from c4d.models import ORG_TYPE_LABELS, SEX_LABELS, OrgType, Sex
from c4d.people.words import folded, loose, quoted, word_table

POSITIVE_SYMBOLS = {"✓", "✔", "✅", "☑", "√", "🗸", "+"}
NEGATIVE_SYMBOLS = {"✗", "✘", "❌", "☐", "×"}

SEX_WORDS = word_table(
    woman=["f", "female", "w", "woman", "women", "girl", "fem", "эм", "эмэгтэй"],
    man=["m", "male", "man", "men", "boy", "эр", "эрэгтэй"],
    another=["other", "another", "non-binary", "nonbinary", "third gender"],
    undisclosed=["", "n/a", "na", "prefer not to say", "prefer not to answer", "not stated",
                 "not said", "undisclosed", "unknown", "declined", "rather not say"],
)
for _each in Sex:
    SEX_WORDS[loose(_each.value)] = _each.value
    SEX_WORDS[loose(_each.label)] = _each.value

YES_WORDS = {loose(w) for w in ["yes", "y", "true", "1", "x", "ok", "okay", "agree", "agreed",
                                 "consent", "тийм"]}
NO_WORDS = {loose(w) for w in ["", "no", "n", "false", "0", "disagree", "үгүй"]}
PRESENT_WORDS = YES_WORDS | {loose(w) for w in ["present", "p", "attended", "here", "ирсэн"]}
ABSENT_WORDS = NO_WORDS | {loose(w) for w in ["absent", "a", "not present", "ирээгүй"]}

# Whole-cell matches: labels, enum values and phrases.
ORG_TYPE_PHRASES = word_table(
    government=["government", "govt", "public sector", "local government"],
    law_enforcement=["law enforcement", "police"],
    judiciary=["judiciary", "justice sector"],
    ngo=["ngo", "ngo / service provider", "service provider", "civil society", "cso",
         "ngo/cso", "non-governmental organisation", "non-governmental organization"],
    private_sector=["private sector", "private", "business"],
    media=["media"],
    academia=["academia"],
    community=["community", "community / target audience", "target audience"],
    other=["other", "others"],
)
for _org in OrgType:
    ORG_TYPE_PHRASES[loose(_org.value)] = _org.value
    ORG_TYPE_PHRASES[loose(_org.label)] = _org.value

# Words that give the type away anywhere in the cell ("Ministry of Labour").
ORG_TYPE_WORDS = word_table(
    government=["government", "govt", "ministry", "ministries", "council", "councils",
                "municipality", "municipal", "governor", "governors", "яам", "яамны"],
    law_enforcement=["police", "policeman", "policewoman", "gendarmerie", "lawenforcement",
                     "цагдаа", "цагдаагийн"],
    judiciary=["court", "courts", "judge", "judges", "judiciary", "judicial", "prosecutor",
               "prosecutors", "prosecution", "tribunal", "шүүх", "шүүхийн", "прокурор",
               "прокурорын"],
    ngo=["ngo", "ngos", "ingo", "ingos", "cso", "csos", "nonprofit", "npo", "charity",
         "charities", "serviceprovider", "serviceproviders", "civilsociety", "shelter", "тбб"],
    private_sector=["company", "companies", "business", "businesses", "private",
                    "privatesector", "corporation", "corporate", "enterprise", "enterprises",
                    "llc", "ltd", "inc", "компани", "компанийн"],
    media=["media", "journalist", "journalists", "journalism", "tv", "television", "radio",
           "newspaper", "newspapers", "press", "broadcaster", "broadcasting", "reporter",
           "reporters", "телевиз", "телевизийн", "радио", "хэвлэл"],
    academia=["university", "universities", "academia", "academic", "academics", "research",
              "researcher", "researchers", "college", "lecturer", "professor", "ихсургууль"],
    community=["community", "communities", "youth", "student", "students", "targetaudience",
               "оюутан", "оюутны", "залуучууд"],
)

ORG_TYPE_CHOICES = ", ".join(ORG_TYPE_LABELS[o] for o in OrgType)
SEX_CHOICES = ", ".join(SEX_LABELS[s].lower() for s in Sex)


def _symbol(raw: str) -> str:
    return folded(raw)


def org_type_in(raw: str) -> tuple[OrgType | None, str | None]:
    """The organisation type a cell names, or the reason it names none."""
    if not raw.strip():
        return None, "organisation type is missing"
    whole = loose(raw)
    if whole in ORG_TYPE_PHRASES:
        return OrgType(ORG_TYPE_PHRASES[whole]), None
    words = re.findall(r"\w+", folded(raw))
    candidates = words + [a + b for a, b in zip(words, words[1:])]
    found = {ORG_TYPE_WORDS[w] for w in candidates if w in ORG_TYPE_WORDS}
    if len(found) == 1:
        return OrgType(found.pop()), None
    if len(found) > 1:
        options = " or ".join(sorted(ORG_TYPE_LABELS[OrgType(v)] for v in found))
        return None, (f"organisation type {quoted(raw)} could mean {options}; "
                      f"write one of: {ORG_TYPE_CHOICES}")
    return None, f"organisation type {quoted(raw)} is not one of: {ORG_TYPE_CHOICES}"


def sex_in(raw: str) -> tuple[Sex | None, str | None]:
    key = loose(raw)
    if key in SEX_WORDS:
        return Sex(SEX_WORDS[key]), None
    return None, f"sex {quoted(raw)} is not one of: {SEX_CHOICES}"


def consent_in(raw: str) -> tuple[bool | None, str | None]:
    symbol, key = _symbol(raw), loose(raw)
    if symbol in POSITIVE_SYMBOLS:
        return True, None
    if symbol in NEGATIVE_SYMBOLS:
        return False, None
    if key in YES_WORDS:
        return True, None
    if key in NO_WORDS:
        return False, None
    return None, f"consent {quoted(raw)} is not yes or no (a blank cell means no)"


def ticked(raw: str) -> bool:
    """A day cell: a tick, 'x', 'yes', a signature, initials or an arrival time count as
    present; a blank, 'no', '0', 'absent' or a cross do not."""
    symbol, key = _symbol(raw), loose(raw)
    if symbol in POSITIVE_SYMBOLS:
        return True
    if symbol in NEGATIVE_SYMBOLS or key in ABSENT_WORDS:
        return False
    return True


_DAY_WORDS = re.compile(r"(?:days?|d|өдөр)(?=\s*[0-9])|\band\b|\bба\b")
_DAY_LIST = re.compile(r"[0-9\s,;/&+\-–]*")       # a plain character class: linear time
_DAY_ITEM = re.compile(r"([0-9]+)(?:\s*[-–]\s*([0-9]+))?")


def days_listed(raw: str, days: int) -> tuple[set[int], str | None]:
    """A 'Days attended' cell: '1,2', '1 2', '1-3', 'Day 1 and Day 2', 'all', or a tick
    for a one-day session."""
    text = folded(raw)
    not_a_list = f"attendance {quoted(raw)} is not a list of day numbers such as 1,2"
    if not text or _symbol(raw) in NEGATIVE_SYMBOLS or loose(raw) in ABSENT_WORDS:
        return set(), None
    if loose(raw) in {"all", "alldays", "бүх", "бүгд"}:
        return set(range(1, days + 1)), None
    listed = _DAY_WORDS.sub(" ", text)
    if re.search(r"[0-9]", listed) and _DAY_LIST.fullmatch(listed):
        found: set[int] = set()
        for m in _DAY_ITEM.finditer(listed):
            if len(m[1]) > 2 or len(m[2] or "") > 2:
                return set(), not_a_list
            first, last = int(m[1]), int(m[2] or m[1])
            found.update(range(min(first, last), max(first, last) + 1))
        return found, None
    if _symbol(raw) in POSITIVE_SYMBOLS or loose(raw) in PRESENT_WORDS:
        if days == 1:
            return {1}, None
        return set(), (f"attendance {quoted(raw)} does not say which days; "
                       "write the day numbers, e.g. 1,2")
    return set(), not_a_list

