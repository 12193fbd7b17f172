"""Privacy rules of docs/privacy.md: minimum group size, complementary suppression, safe CSV."""
from __future__ import annotations

import csv
import io
import math
from typing import Iterable, Sequence


def suppressed_label(k: int) -> str:
    return f"suppressed (n < {k})"


def complementary_suppression(sizes: Sequence[int], k: int, total_shown: bool = True) -> list[bool]:
    """Which cells of a breakdown to hide: every cell under k, and, when exactly one is hidden and
    the total is shown, the next smallest cell too, so no hidden cell can be recovered by subtraction."""
    hidden = [n < k for n in sizes]
    if total_shown and sum(hidden) == 1 and len(sizes) > 1:
        candidates = [(n, i) for i, (n, h) in enumerate(zip(sizes, hidden)) if not h]
        if candidates:
            hidden[min(candidates)[1]] = True
    return hidden


def safe_cell(value):
    """A CSV cell that a spreadsheet will not run as a formula (text only; numbers stay numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
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
