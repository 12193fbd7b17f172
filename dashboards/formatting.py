"""Numbers as readers expect them on a page."""
from __future__ import annotations

import math


def is_missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def pct(x, digits: int = 0) -> str:
    return "n/a" if is_missing(x) else f"{100 * x:.{digits}f}%"


def num(x, digits: int = 0) -> str:
    return "n/a" if is_missing(x) else f"{x:,.{digits}f}"


def money(x, currency: str, digits: int = 0) -> str:
    return "n/a" if is_missing(x) else f"{currency} {x:,.{digits}f}"
