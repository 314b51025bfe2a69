"""The participant register of a session: counts disaggregated by sex and organisation
type, and attendance per day. The same figures feed the page, the projector and the
workshop report, so M&E staff see one set of numbers everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from c4d.models import OrgType, Participant, Sex


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
