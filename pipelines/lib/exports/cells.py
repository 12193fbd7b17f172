"""What every export reader shares: reading one cell, normalising a header row, the layout error."""
from __future__ import annotations

from ..readers import FileError, normalise_header


class LayoutError(FileError):
    """The file looks like a tool's export but breaks that tool's layout; the message names the tool."""


def cell(cells: list, i: int | None) -> str | None:
    """The trimmed text of cell i, None when empty or absent."""
    if i is None or i >= len(cells) or cells[i] is None:
        return None
    text = str(cells[i]).strip()
    return text or None


def norm_row(cells: list) -> list[str]:
    return [normalise_header(c or "") for c in cells]
