"""Methods text taken from the dbt model descriptions (dbt_project/models/marts/_marts__models.yml), so a
formula is written once, beside the SQL that computes it."""
from __future__ import annotations

from functools import lru_cache
from html import escape
from pathlib import Path

import yaml

MODELS_YML = Path(__file__).resolve().parents[1] / "dbt_project" / "models" / "marts" / "_marts__models.yml"


@lru_cache(maxsize=None)
def _models() -> dict:
    data = yaml.safe_load(MODELS_YML.read_text(encoding="utf-8"))
    return {m["name"]: m for m in data["models"]}


def describe(model: str, columns: list[str], title: str) -> str:
    """One methods item: the model's description, then each named column's."""
    m = _models()[model]
    cols = {c["name"]: c.get("description", "") for c in m.get("columns", [])}
    parts = [f"<b>{escape(title)}</b>: {escape(m.get('description', '').strip())}"]
    parts += [f"<i>{escape(c)}</i>: {escape(cols[c].strip())}" for c in columns if cols.get(c)]
    return " ".join(parts)
