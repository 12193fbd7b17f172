"""dbt unit tests (expected rows worked out by hand in the models' YAML) on an empty warehouse built from the
data contracts: no refresh needed, so `make test-fast` runs them. The same build proves that the staging models
have exactly the columns their YAML describes."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from pipelines.defs.quality.checks import AUDIT_DDL
from pipelines.lib.contracts import load_contracts
from pipelines.lib.erasure import ERASURES_DDL
from pipelines.lib.loader import prepare_warehouse, raw_columns_ddl

ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT = ROOT / "dbt_project"
DBT = str(Path(sys.executable).with_name("dbt"))
# raw.refresh_run as the refresh's first asset writes it (pipelines/defs/ingest/assets.py)
REFRESH_RUN_DDL = ("CREATE TABLE raw.refresh_run (run_id VARCHAR, started_at TIMESTAMPTZ, as_of DATE, "
                   "landing VARCHAR, settings JSON)")


def empty_warehouse(path: Path) -> Path:
    """A warehouse with every raw table of the contracts, the manifest, the quarantine and the run row's
    table, all empty: what dbt reads, with the types a refresh gives them."""
    con = duckdb.connect(str(path))
    try:
        prepare_warehouse(con)
        for source, contract in load_contracts().items():
            con.execute(f'CREATE TABLE raw."{source}" ({raw_columns_ddl(contract)})')
        con.execute(REFRESH_RUN_DDL)
        con.execute("CREATE SCHEMA IF NOT EXISTS audit")  # the audit tables a refresh writes before dbt runs
        con.execute(AUDIT_DDL)
        con.execute(ERASURES_DDL)
    finally:
        con.close()
    return path


def dbt(args: list[str], database: Path, tmp: Path) -> subprocess.CompletedProcess:
    return subprocess.run([DBT, *args, "--profiles-dir", ".", "--target-path", str(tmp / "target"),
                           "--log-path", str(tmp / "logs")],
                          cwd=DBT_PROJECT, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "COACHLENS_DBT_DATABASE": str(database)})


def unit_test_names() -> set[str]:
    names = set()
    for path in DBT_PROJECT.glob("models/**/*.yml"):
        names |= {t["name"] for t in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("unit_tests", [])}
    return names


def described_staging_models() -> dict[str, dict]:
    """Every model described in a staging YAML file: name -> its entry."""
    models = {}
    for path in DBT_PROJECT.glob("models/staging/**/*.yml"):
        models |= {m["name"]: m for m in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", [])}
    return models


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The project built on an empty warehouse (models and unit tests; data tests have no rows to check)."""
    tmp = tmp_path_factory.mktemp("dbt_empty")
    database = empty_warehouse(tmp / "empty.duckdb")
    proc = dbt(["build", "--exclude-resource-type", "test"], database, tmp)
    return database, proc


def test_every_dbt_unit_test_passes_on_an_empty_warehouse(built):
    _, proc = built
    assert proc.returncode == 0, proc.stdout[-6000:]
    passed = set(re.findall(r" PASS \w+::(\w+) ", proc.stdout))  # "12 of 48 PASS model::unit_test ..."
    assert passed == unit_test_names(), proc.stdout[-6000:]


def test_every_staging_model_is_described_column_by_column(built):
    database, _ = built
    con = duckdb.connect(str(database), read_only=True)
    try:
        built_columns = {}
        for table, column in con.execute("SELECT table_name, column_name FROM information_schema.columns "
                                         "WHERE table_schema = 'staging' ORDER BY ordinal_position").fetchall():
            built_columns.setdefault(table, []).append(column)
    finally:
        con.close()
    described = described_staging_models()
    assert sorted(described) == sorted(built_columns)
    for name, model in described.items():
        assert model.get("description"), name
        assert [c["name"] for c in model["columns"]] == built_columns[name], name
        assert all(c.get("description") for c in model["columns"]), name
