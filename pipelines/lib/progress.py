"""Progress lines on stdout for the command line (the Dagster log keeps its own record)."""
from __future__ import annotations

import sys
import time

_T0 = time.monotonic()
_shown = False


def show(on: bool) -> None:
    """Print progress lines from now on (the refresh resource's `progress` field), or stop printing them."""
    global _shown
    _shown = on


def progress(message: str) -> None:
    if _shown:
        print(f"[{time.monotonic() - _T0:7.1f}s] {message}", file=sys.stdout, flush=True)
