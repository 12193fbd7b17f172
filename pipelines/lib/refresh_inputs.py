"""What each step of a refresh reads, as fingerprints, compared with the published refresh.

A refresh has three steps whose inputs can be fingerprinted before any of them runs:
- loading: one fingerprint per source (`carry_over.source_fingerprint`: files, loading code, contracts,
  settings, mappings, erasures, referenced sources),
- transformation: the dbt project (models, macros, tests, seeds, profiles, and the code that runs dbt), the
  dbt vars (as_of, currency, thresholds, value assumptions, salt) and the engine,
- pages: the page code (`dashboards/` and `pipelines/defs/serve/`).

The last two are kept per refresh in `raw.build_inputs` (name, fingerprint); the first in
`raw.source_fingerprints`. A refresh may start from a copy of the published warehouse and rebuild only
what changed (`incremental_base`) when the published refresh succeeded and its dbt project, vars and
engine are the ones of this refresh; with every fingerprint the same it need not run at all
(`pipelines/lib/no_change.py`).
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .carry_over import PROJECT_ROOT, fingerprint_settings, source_fingerprint
from .contracts import load_contracts

BUILD_INPUTS_DDL = "CREATE OR REPLACE TABLE raw.build_inputs (name VARCHAR, fingerprint VARCHAR)"
DBT_DIR = PROJECT_ROOT / "dbt_project"
PAGE_CODE = (PROJECT_ROOT / "dashboards", PROJECT_ROOT / "pipelines" / "defs" / "serve")
TRANSFORM_CODE = (PROJECT_ROOT / "pipelines" / "defs" / "transform",)
DBT_FOLDERS = ("models", "macros", "tests", "seeds", "snapshots", "analyses")
DBT_FILES = ("dbt_project.yml", "profiles.yml", "selectors.yml")


def _hash_files(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _code_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            and not p.name.endswith(".pyc")]


@functools.lru_cache(maxsize=1)
def dbt_project_version() -> str:
    """Hash of the dbt project's sources (not target/ or logs/) and of the code that runs dbt."""
    paths = [DBT_DIR / name for name in DBT_FILES if (DBT_DIR / name).exists()]
    for folder in DBT_FOLDERS:
        if (DBT_DIR / folder).is_dir():
            paths += _code_files(DBT_DIR / folder)
    for folder in TRANSFORM_CODE:
        paths += _code_files(folder)
    return _hash_files(paths)


@functools.lru_cache(maxsize=1)
def page_code_version() -> str:
    """Hash of the code that writes the pages."""
    return _hash_files([p for folder in PAGE_CODE for p in _code_files(folder)])


def build_inputs(dbt_vars: dict, engine: str) -> dict[str, str]:
    """The fingerprints of the transformation and page steps of a refresh."""
    vars_text = json.dumps(dbt_vars, sort_keys=True, default=str)
    return {"dbt_project": dbt_project_version(), "dbt_vars": hashlib.sha256(vars_text.encode()).hexdigest(),
            "engine": engine, "pages_code": page_code_version()}


def record_build_inputs(con: duckdb.DuckDBPyConnection, inputs: dict[str, str]) -> None:
    con.execute(BUILD_INPUTS_DDL)
    con.executemany("INSERT INTO raw.build_inputs VALUES (?, ?)", sorted(inputs.items()))


def source_fingerprints(landing: Path, settings: dict) -> dict[str, str]:
    """Every source's loading fingerprint, computed the way the ingest assets compute them (in load order)."""
    out: dict[str, str] = {}
    for contract in load_contracts().values():
        out[contract.source] = source_fingerprint(contract, landing, settings, out)
    return out


@dataclass
class Published:
    """What the published warehouse says about the refresh that wrote it (only a successful one)."""
    started_at: dt.datetime
    sources: dict[str, str]
    build: dict[str, str]
    stale: set[str] = field(default_factory=set)
    newest_loaded: dict[str, dt.datetime] = field(default_factory=dict)


def _tables(con) -> set[tuple[str, str]]:
    return set(con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall())


def read_published(warehouse: Path) -> Published | None:
    """The published refresh's fingerprints; None when there is none, it failed, or it predates them."""
    if not Path(warehouse).exists():
        return None
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return None
    try:
        tables = _tables(con)
        needed = {("raw", "source_fingerprints"), ("raw", "build_inputs"), ("raw", "refresh_run"),
                  ("raw", "file_manifest"), ("marts", "data_quality")}
        if not needed <= tables or ("audit", "failed_refresh") in tables:
            return None
        if con.execute("SELECT count(*) FROM raw.file_manifest WHERE status = 'failed'").fetchall()[0][0]:
            return None
        return Published(
            started_at=con.execute("SELECT started_at FROM raw.refresh_run").fetchall()[0][0],
            sources=dict(con.execute("SELECT source, fingerprint FROM raw.source_fingerprints").fetchall()),
            build=dict(con.execute("SELECT name, fingerprint FROM raw.build_inputs").fetchall()),
            stale={s for (s,) in con.execute("SELECT source FROM marts.data_quality WHERE NOT is_fresh").fetchall()},
            newest_loaded=dict(con.execute("""SELECT source, max(loaded_at) FROM raw.file_manifest
                                              WHERE status = 'ok' GROUP BY source""").fetchall()))
    except duckdb.Error:
        return None
    finally:
        con.close()


def incremental_base(published: Published | None, inputs: dict[str, str], full: bool) -> bool:
    """Whether this refresh starts from a copy of the published warehouse and rebuilds only what changed:
    not --full, the published refresh succeeded, and its dbt project, vars and engine are this refresh's.
    Spark always builds every model (its tables live outside the DuckDB file)."""
    if full or published is None or inputs.get("engine") != "duckdb":
        return False
    return all(published.build.get(k) == inputs[k] for k in ("dbt_project", "dbt_vars", "engine"))


def changed_sources(published: Published | None, current: dict[str, str | None]) -> set[str]:
    """Sources whose loaded rows may differ from the published refresh (loaded again, or new)."""
    before = published.sources if published else {}
    return {s for s, fp in current.items() if fp is None or before.get(s) != fp}


def settings_for(cfg, erased) -> dict:
    """The settings a source's fingerprint covers, for a configuration (see carry_over.fingerprint_settings)."""
    return fingerprint_settings(cfg.resolved_as_of(), cfg.reporting_currency, cfg.timezone, erased)


def published_checks(warehouse: Path) -> dict[tuple[str, str], dict]:
    """(asset, check) -> result, from the evidence record of the published refresh (empty when it has none)."""
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return {}
    try:
        rows = con.execute("SELECT record FROM audit.evidence").fetchall()
    except duckdb.Error:
        return {}
    finally:
        con.close()
    checks = json.loads(rows[0][0]).get("checks", []) if rows else []
    return {(c["asset"], c["check"]): c for c in checks}
