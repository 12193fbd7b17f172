"""The roster the adapters match people against: participants and coaches by id, email or full name."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..readers import normalise_header


def _name_key(name: str | None) -> str:
    return normalise_header(name or "")


@dataclass
class Roster:
    by_id: dict[str, str] = field(default_factory=dict)
    by_email: dict[str, str] = field(default_factory=dict)   # unique emails only
    by_name: dict[str, str] = field(default_factory=dict)    # unique full names only
    zone: dict[str, str] = field(default_factory=dict)       # a participant's cohort time zone

    @classmethod
    def of(cls, rows: list[tuple]) -> "Roster":
        r = cls()
        emails: dict[str, set] = {}
        names: dict[str, set] = {}
        for ref_id, email, name, *zone in rows:
            r.by_id[ref_id] = ref_id
            if zone and zone[0]:
                r.zone[ref_id] = zone[0]
            if email:
                emails.setdefault(email.strip().lower(), set()).add(ref_id)
            if name:
                names.setdefault(_name_key(name), set()).add(ref_id)
        r.by_email = {k: next(iter(v)) for k, v in emails.items() if len(v) == 1}
        r.by_name = {k: next(iter(v)) for k, v in names.items() if len(v) == 1}
        return r

    def find(self, value: str | None) -> str | None:
        """The id of the person whose id or (unique) email is `value`."""
        if not value:
            return None
        v = value.strip()
        return self.by_id.get(v) or self.by_email.get(v.lower())

    def find_name(self, name: str | None) -> str | None:
        return self.by_name.get(_name_key(name)) if name else None


@dataclass
class People:
    participants: Roster
    coaches: Roster

    @classmethod
    def of_nothing(cls) -> "People":
        return cls(Roster(), Roster())

    @classmethod
    def from_warehouse(cls, con) -> "People":
        def exists(table: str) -> bool:
            return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw' "
                               "AND table_name = ?", [table]).fetchall()[0][0] > 0

        participants = coaches = []
        if exists("participants"):
            zone = "c.timezone" if exists("cohorts") else "NULL"
            join = "LEFT JOIN raw.cohorts c ON c.cohort_id = p.cohort_id" if exists("cohorts") else ""
            participants = con.execute(f"SELECT p.participant_id, p.email, p.full_name, {zone} "
                                       f"FROM raw.participants p {join}").fetchall()
        if exists("coaches"):
            coaches = con.execute("SELECT coach_id, email, full_name FROM raw.coaches").fetchall()
        return cls(Roster.of(participants), Roster.of(coaches))
