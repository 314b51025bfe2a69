"""The people tool's vocabulary for sign-in sheets: what a read sheet gives back (a preview
of its rows, each a participant or the reasons it is not one), the limits a sheet must keep,
and the names of its columns. Participants themselves are c4d.models.Participant."""

from __future__ import annotations

from dataclasses import dataclass, field

from c4d.models import Participant
from c4d.text import plural

MAX_SHEET_BYTES = 5 * 1024 * 1024
MAX_SHEET_ROWS = 2000


class SigninError(ValueError):
    """The whole file is unusable; the message says why in the facilitator's words."""


@dataclass
class SheetRow:
    line: int                       # row number as the spreadsheet shows it (headings = 1)
    values: dict[str, str]          # raw cells by canonical field
    participant: Participant | None
    errors: list[str] = field(default_factory=list)
    # the row as the register will hold it, by the register's column names ("Sex": "Man");
    # a cell that could not be read as written
    shown: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.participant is not None and not self.errors


@dataclass
class SigninPreview:
    rows: list[SheetRow]
    columns: dict[str, str]         # canonical field -> heading as found
    ignored_columns: list[str]
    notes: list[str] = field(default_factory=list)  # things worth knowing, not errors

    @property
    def valid(self) -> list[Participant]:
        return [row.participant for row in self.rows if row.ok]  # type: ignore[misc]

    @property
    def invalid(self) -> list[SheetRow]:
        return [row for row in self.rows if not row.ok]

    def outcome(self, added: int, source: str) -> tuple[str, list[str]]:
        """What the page says once the ready rows are added: how many were added from
        `source`, then every row left out with each of its problems in full, and the rows
        skipped as not being participants."""
        said = f"Added {plural(added, 'participant')} from {source}."
        left_out: list[str] = []
        if self.invalid:
            left_out.append(f"{plural(len(self.invalid), 'row was', 'rows were')} left out:")
            left_out.extend(problem for row in self.invalid for problem in row.errors)
        left_out.extend(note for note in self.notes if "skipped" in note)
        return said, left_out

    def summary(self) -> str:
        ready, bad = len(self.valid), len(self.invalid)
        text = f"{plural(ready, 'row')} ready to add, "
        if bad == 0:
            return text + "no rows with errors"
        return text + f"{plural(bad, 'row')} with errors"


FIELD_LABELS = {
    "name": "Name",
    "first_name": "First name",
    "last_name": "Last name",
    "organisation": "Organisation",
    "org_type": "Organisation type",
    "sex": "Sex",
    "contact": "Contact",
    "consent_to_list": "Consent to be listed",
    "attendance": "Days attended",
    "present": "Present",
}


def field_label(key: str) -> str:
    """A heading for a canonical field key, e.g. 'day_2' -> 'Day 2'."""
    if key.startswith("day_"):
        return f"Day {key[4:]}"
    return FIELD_LABELS.get(key, key)
