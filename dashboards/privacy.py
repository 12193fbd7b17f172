"""What the pages print for a hidden figure, and safe CSV. Which figures are hidden (minimum group size,
complementary suppression) is decided in the marts: their `suppressed` and `*_suppressed` columns."""
from __future__ import annotations

import csv
import io
import math
from decimal import Decimal
from typing import Iterable, Sequence


def suppressed_label(k: int) -> str:
    return f"suppressed (n < {k})"


def safe_cell(value):
    """A CSV cell that a spreadsheet will not run as a formula (text only; numbers stay numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):  # money is an exact DECIMAL
        if not math.isfinite(value):
            return ""
        return value
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buf.getvalue()
