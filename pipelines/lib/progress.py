"""Progress lines on stdout for the command line (the Dagster log keeps its own record)."""
from __future__ import annotations

import os
import sys
import time

_T0 = time.monotonic()


def progress(message: str) -> None:
    if os.environ.get("COACHLENS_PROGRESS") == "1":
        print(f"[{time.monotonic() - _T0:7.1f}s] {message}", file=sys.stdout, flush=True)
