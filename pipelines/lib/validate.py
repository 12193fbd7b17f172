"""`coachlens validate`: the loader's checks on an in-memory database, so nothing is loaded anywhere."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import duckdb

from .config import Config
from .contracts import load_contracts
from .loader import LoadSettings, load_source, prepare_warehouse


def _roots(paths: list[Path]) -> dict[Path, set[Path] | None]:
    """Landing roots to load, and per root the files to report (None: every file)."""
    sources = set(load_contracts())
    roots: dict[Path, set[Path] | None] = {}
    for path in paths:
        path = path.resolve()
        if path.is_file():
            if path.parent.name not in sources:
                raise ValueError(f"{path}: put the file in a folder named after its source "
                                 f"({', '.join(sorted(sources))})")
            root = path.parent.parent
            if roots.get(root, set()) is not None:
                roots.setdefault(root, set()).add(path)
        elif path.is_dir() and path.name in sources and not any((path / s).is_dir() for s in sources):
            root = path.parent
            if roots.get(root, set()) is not None:
                roots.setdefault(root, set()).update(p.resolve() for p in path.iterdir() if p.is_file())
        elif path.is_dir():
            roots[path] = None
        else:
            raise ValueError(f"{path}: no such file or folder")
    return roots


def validate_paths(paths: list[Path], cfg: Config, out=sys.stdout) -> int:
    try:
        roots = _roots(paths)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = LoadSettings(as_of=cfg.resolved_as_of(), reporting_currency=cfg.reporting_currency,
                            timezone=cfg.timezone)
    errors = 0
    checked = 0
    for root, wanted in roots.items():
        con = duckdb.connect()
        prepare_warehouse(con)
        now = dt.datetime.now(dt.timezone.utc)
        for contract in load_contracts().values():
            load_source(con, contract, root, settings, now, log=lambda m: None)
        files = con.execute("SELECT path, status, message, rows_read, rows_loaded, rows_rejected "
                            "FROM raw.file_manifest ORDER BY source, path").fetchall()
        for path, status, message, read, loaded, rejected in files:
            if wanted is not None and (root / path).resolve() not in wanted:
                continue
            checked += 1
            if status == "failed":
                errors += 1
                print(f"{root / path}: FAILED: {message}", file=out)
                continue
            if status == "skipped":
                print(f"{root / path}: skipped: {message}", file=out)
                continue
            print(f"{root / path}: {read:,} rows, {loaded:,} valid, {rejected:,} rejected"
                  + (f" ({message})" if message else ""), file=out)
            for row, col, reason, other in con.execute(
                    "SELECT row_number, column_name, reason, other_problems FROM quarantine.rejected_rows "
                    "WHERE file = ? ORDER BY row_number", [path]).fetchall():
                errors += 1
                print(f"  {root / path}:{row}: {col or '(row)'}: {reason}" + (f" [also: {other}]" if other else ""),
                      file=out)
        con.close()
    print(f"{checked} file(s) checked, {errors} problem(s)", file=out)
    return 1 if errors else 0
