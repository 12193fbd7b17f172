"""The data contracts of data_contracts/*.yml as Python objects."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

CONTRACTS_DIR = Path(__file__).resolve().parents[2] / "data_contracts"
TYPES = {"id", "text", "email", "date", "timestamp", "integer", "number", "money", "rate", "boolean",
         "enum", "currency", "timezone", "participant", "coach"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    values: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    min_exclusive: float | None = None
    references: str | None = None
    default: object = None
    description: str = ""
    on_breach: str = "reject"


@dataclass(frozen=True)
class Contract:
    source: str
    description: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    depends_on: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    path: Path | None = field(default=None, compare=False)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _parse(path: Path) -> Contract:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    columns = []
    for name, spec in data["columns"].items():
        spec = dict(spec or {})
        if spec.get("type") not in TYPES:
            raise ValueError(f"{path.name}: column {name} has unknown type {spec.get('type')!r}")
        spec["values"] = tuple(str(v).lower() for v in spec.get("values", ()))
        if spec.get("on_breach", "reject") != "reject":
            raise ValueError(f"{path.name}: column {name}: on_breach {spec['on_breach']!r} is not supported; "
                             "a breach rejects the row (the only behaviour implemented)")
        columns.append(Column(name=name, **spec))
    contract = Contract(
        source=data["source"],
        description=data.get("description", ""),
        columns=tuple(columns),
        natural_key=tuple(data["natural_key"]),
        depends_on=tuple(data.get("depends_on", ())),
        rules=tuple(data.get("rules", ())),
        path=path,
    )
    unknown = set(contract.natural_key) - set(contract.column_names)
    if unknown:
        raise ValueError(f"{path.name}: natural_key names unknown columns {sorted(unknown)}")
    return contract


@lru_cache(maxsize=None)
def load_contracts(directory: Path = CONTRACTS_DIR) -> dict[str, Contract]:
    """All contracts by source name, in an order where every source follows its dependencies."""
    contracts = {c.source: c for c in (_parse(p) for p in sorted(directory.glob("*.yml")))}
    ordered: dict[str, Contract] = {}

    def visit(name: str, trail: tuple = ()):
        if name in ordered:
            return
        if name in trail:
            raise ValueError(f"contracts depend on each other in a cycle: {' -> '.join(trail + (name,))}")
        for dep in contracts[name].depends_on:
            visit(dep, trail + (name,))
        ordered[name] = contracts[name]

    for name in sorted(contracts):
        visit(name)
    return ordered


SOURCES = list(load_contracts().keys())
