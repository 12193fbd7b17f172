"""Incremental loading: a source whose inputs are unchanged since the published refresh is not read again.

A source's *fingerprint* is the sha256 of everything its loaded rows depend on:
- the name, size and sha256 of every file in its folder (so an added, changed, removed or renamed file
  changes it),
- the loading code and the contracts (any change to `pipelines/lib` or `data_contracts/` reloads everything),
- the settings the checks use (reporting currency, time zone; `as_of` for a source whose rules use it),
- the vendor mapping files in `<landing>/mappings/`,
- the fingerprints of the sources it references (`depends_on`): a changed roster re-checks the sessions.

When the published warehouse holds a source loaded under the same fingerprint, its raw table, its
quarantine rows and its manifest rows are copied from there instead of reading the files: the result is
the rows a full load would give, because every input of the load is the same. `coachlens refresh --full`
skips this.
"""
from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

import duckdb

from .contracts import Contract

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FINGERPRINTS_DDL = "CREATE TABLE IF NOT EXISTS raw.source_fingerprints (source VARCHAR, fingerprint VARCHAR)"


@functools.lru_cache(maxsize=None)
def _sha256_cached(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """sha256 of a file, computed once per process for an unchanged (size, mtime) file."""
    st = Path(path).stat()
    return _sha256_cached(str(path), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the loading code and the contracts: a change to either invalidates every fingerprint."""
    digest = hashlib.sha256()
    paths = sorted((PROJECT_ROOT / "pipelines" / "lib").rglob("*.py")) + \
        sorted((PROJECT_ROOT / "data_contracts").glob("*.yml"))
    for path in paths:
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _folder_listing(folder: Path) -> list[list]:
    if not folder.is_dir():
        return []
    return [[p.name, p.stat().st_size, file_sha256(p)] for p in sorted(folder.iterdir(), key=lambda p: p.name)
            if p.is_file()]


def fingerprint_settings(as_of, reporting_currency: str, timezone: str, erased) -> dict:
    """The settings a source's load depends on (as_of is dropped for sources whose rules do not use it)."""
    return {"as_of": as_of, "reporting_currency": reporting_currency, "timezone": timezone,
            "erased": sorted(erased)}


def source_fingerprint(contract: Contract, landing: Path, settings: dict, dependency_fingerprints: dict) -> str:
    """The fingerprint of one source's load (see the module docstring)."""
    uses_as_of = any("as_of" in rule for rule in contract.rules)
    payload = {
        "source": contract.source,
        "code": code_version(),
        "settings": {k: v for k, v in sorted(settings.items()) if k != "as_of" or uses_as_of},
        "files": _folder_listing(Path(landing) / contract.source),
        "mappings": _folder_listing(Path(landing) / "mappings"),
        "depends_on": {d: dependency_fingerprints.get(d) for d in contract.depends_on},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def record_fingerprint(con: duckdb.DuckDBPyConnection, source: str, fingerprint: str | None) -> None:
    """Remember the fingerprint a source was loaded under (None: the load failed, never carry it over)."""
    con.execute(FINGERPRINTS_DDL)
    con.execute("DELETE FROM raw.source_fingerprints WHERE source = ?", [source])
    if fingerprint is not None:
        con.execute("INSERT INTO raw.source_fingerprints VALUES (?, ?)", [source, fingerprint])


def fingerprints(con: duckdb.DuckDBPyConnection) -> dict:
    con.execute(FINGERPRINTS_DDL)
    return dict(con.execute("SELECT source, fingerprint FROM raw.source_fingerprints").fetchall())


def carried_in_place(con: duckdb.DuckDBPyConnection, source: str, fingerprint: str) -> list | None:
    """When the refresh's warehouse started as a copy of the published one (an incremental build) and holds
    this source under the same fingerprint, its rows are already there: return its manifest rows."""
    if fingerprints(con).get(source) != fingerprint:
        return None
    return con.execute("SELECT * FROM raw.file_manifest WHERE source = ? ORDER BY path", [source]).fetchall()


def drop_source_rows(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Before a source is loaded again into a copy of the published warehouse: its old quarantine and manifest
    rows go (the raw table is replaced by the load)."""
    con.execute("DELETE FROM quarantine.rejected_rows WHERE source = ?", [source])
    con.execute("DELETE FROM raw.file_manifest WHERE source = ?", [source])


def carry_over(con: duckdb.DuckDBPyConnection, published: Path, source: str, fingerprint: str) -> list | None:
    """Copy a source's raw table, quarantine and manifest rows from the published warehouse when it was
    loaded there under this fingerprint. Returns its manifest rows, or None when it must be loaded."""
    if not Path(published).exists():
        return None
    try:
        con.execute(f"ATTACH '{published}' AS published (READ_ONLY)")
    except duckdb.Error:
        return None
    try:
        found = con.execute("""SELECT count(*) FROM duckdb_tables() WHERE database_name = 'published'
                               AND schema_name = 'raw' AND table_name IN ('source_fingerprints', ?)""",
                            [source]).fetchall()[0][0]
        failed_publish = con.execute("""SELECT count(*) FROM duckdb_tables() WHERE database_name = 'published'
                                        AND schema_name = 'audit' AND table_name = 'failed_refresh'""").fetchall()[0][0]
        if found != 2 or failed_publish:  # only a successful refresh's rows are carried over
            return None
        same = con.execute("SELECT count(*) FROM published.raw.source_fingerprints WHERE source = ? "
                           "AND fingerprint = ?", [source, fingerprint]).fetchall()[0][0]
        failed_files = con.execute("SELECT count(*) FROM published.raw.file_manifest WHERE source = ? "
                                   "AND status = 'failed'", [source]).fetchall()[0][0]
        if not same or failed_files:
            return None
        name = '"' + source.replace('"', '""') + '"'
        con.execute(f"CREATE OR REPLACE TABLE raw.{name} AS SELECT * FROM published.raw.{name}")
        con.execute("DELETE FROM quarantine.rejected_rows WHERE source = ?", [source])
        con.execute("INSERT INTO quarantine.rejected_rows SELECT * FROM published.quarantine.rejected_rows "
                    "WHERE source = ?", [source])
        con.execute("DELETE FROM raw.file_manifest WHERE source = ?", [source])
        con.execute("INSERT INTO raw.file_manifest SELECT * FROM published.raw.file_manifest WHERE source = ? "
                    "ORDER BY path", [source])
        return con.execute("SELECT * FROM raw.file_manifest WHERE source = ? ORDER BY path", [source]).fetchall()
    finally:
        con.execute("DETACH published")
