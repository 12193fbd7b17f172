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

    @classmethod
    def of(cls, rows: list[tuple]) -> "Roster":
        r = cls()
        emails: dict[str, set] = {}
        names: dict[str, set] = {}
        for ref_id, email, name in rows:
            r.by_id[ref_id] = ref_id
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
        def rows(table: str, key: str) -> list[tuple]:
            exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw' "
                                 "AND table_name = ?", [table]).fetchall()[0][0]
            if not exists:
                return []
            return con.execute(f"SELECT {key}, email, full_name FROM raw.{table}").fetchall()
        return cls(Roster.of(rows("participants", "participant_id")), Roster.of(rows("coaches", "coach_id")))
