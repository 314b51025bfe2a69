"""The participant register of a session: counts disaggregated by sex and organisation
type, and attendance per day. The same figures feed the page, the projector and the
workshop report, so M&E staff see one set of numbers everywhere."""

from __future__ import annotations

from dataclasses import dataclass


from c4d.models import ORG_TYPE_LABELS, SEX_LABELS, OrgType, Participant, Session, Sex


@dataclass(frozen=True)
class RegisterCounts:
    total: int
    by_sex: dict[Sex, int]                      # every Sex, zeros included, in enum order
    by_org_type: dict[OrgType, int]             # every OrgType, zeros included
    cross: dict[OrgType, dict[Sex, int]]        # organisation type × sex
    attendance: dict[int, dict[Sex, int]]       # day (1-based) → present, by sex

    def present_on(self, day: int) -> int:
        return sum(self.attendance.get(day, {}).values())

    def sex_summary(self) -> str:
        """E.g. '39 participants: 29 women, 10 men'."""
        words = {Sex.woman: ("woman", "women"), Sex.man: ("man", "men"),
                 Sex.another: ("another", "another"), Sex.undisclosed: ("not said", "not said")}
        parts = [f"{n} {words[s][0] if n == 1 else words[s][1]}" for s, n in self.by_sex.items() if n]
        noun = "participant" if self.total == 1 else "participants"
        return f"{self.total} {noun}" + (f": {', '.join(parts)}" if parts else "")


def count_register(participants: list[Participant], days: int) -> RegisterCounts:
    by_sex = {s: 0 for s in Sex}
    by_org = {o: 0 for o in OrgType}
    cross = {o: {s: 0 for s in Sex} for o in OrgType}
    attendance = {d: {s: 0 for s in Sex} for d in range(1, max(days, 1) + 1)}
    for p in participants:
        by_sex[p.sex] += 1
        by_org[p.org_type] += 1
        cross[p.org_type][p.sex] += 1
        for day in p.attendance:
            attendance.setdefault(day, {s: 0 for s in Sex})[p.sex] += 1
    return RegisterCounts(len(participants), by_sex, by_org, cross, attendance)


# ---- the register as an editable table -------------------------------------------------
# The page shows the register as a table a facilitator edits in place. These functions
# turn participants into table rows and apply the table's edits to the store, row by row,
# so one bad cell never blocks the rest and nothing half-valid is saved.

NAME, ORGANISATION, ORG_TYPE, SEX, CONTACT, LISTED = (
    "Name", "Organisation", "Organisation type", "Sex", "Contact", "May be listed")
ORG_TYPE_BY_LABEL = {label: org for org, label in ORG_TYPE_LABELS.items()}
SEX_BY_LABEL = {label: sex for sex, label in SEX_LABELS.items()}


def day_column(day: int) -> str:
    return f"Day {day}"


def table_rows(participants: list[Participant], days: int) -> list[dict]:
    rows = []
    for p in participants:
        row = {"id": p.id, NAME: p.name, ORGANISATION: p.organisation, ORG_TYPE: p.org_type.label,
               SEX: p.sex.label, CONTACT: p.contact, LISTED: p.consent_to_list}
        row.update({day_column(d): d in p.attendance for d in range(1, days + 1)})
        rows.append(row)
    return rows


def participant_from_row(row: dict, session: Session, participant_id: str | None = None) -> Participant:
    """Raises ValueError/ValidationError with the facilitator's wording."""
    org_label, sex_label = row.get(ORG_TYPE), row.get(SEX)
    if not org_label:
        raise ValueError("choose the organisation type")
    if not sex_label:
        raise ValueError("choose the sex (or 'Prefer not to say')")
    values = {
        "session_id": session.id,
        "name": row.get(NAME) or "",
        "organisation": row.get(ORGANISATION) or "",
        "org_type": ORG_TYPE_BY_LABEL.get(org_label, org_label),
        "sex": SEX_BY_LABEL.get(sex_label, sex_label),
        "contact": row.get(CONTACT) or "",
        "consent_to_list": bool(row.get(LISTED)),
        "attendance": [d for d in range(1, session.days + 1) if row.get(day_column(d))],
    }
    if participant_id:
        values["id"] = participant_id
    return Participant(**values)
