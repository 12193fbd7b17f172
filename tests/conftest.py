"""Shared fixtures: a small generated programme, refreshed once per test session through the real CLI."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COACHLENS = str(Path(sys.executable).with_name("coachlens"))
AS_OF = dt.date(2026, 6, 30)
ARTIFACTS = ROOT / "test-artifacts"
# value assumptions of the shared refreshed programme, so the value marts are exercised with every term
VALUE = {"participant_hour_cost": 75.0, "replacement_cost": 30000.0, "estimate_discount": 0.2}
VALUE_ENV = {f"COACHLENS_VALUE_{k.upper()}": v for k, v in VALUE.items()}


@dataclass
class Refreshed:
    landing: Path
    warehouse: Path
    site: Path
    as_of: dt.date
    stdout: str


def cli_env(tmp: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHLENS_")}
    env.update({"DAGSTER_HOME": str(tmp / "dagster_home"), "COACHLENS_PSEUDONYM_SALT": "test-salt"})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_cli(args: list[str], tmp: Path, check: bool = True, **env) -> subprocess.CompletedProcess:
    tmp.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([COACHLENS, *args], capture_output=True, text=True, env=cli_env(tmp, **env), cwd=tmp,
                          timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"coachlens {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def refresh(landing: Path, out: Path, as_of: dt.date = AS_OF, check: bool = True, **env):
    return run_cli(["refresh", "--landing", str(landing), "--warehouse", str(out / "warehouse.duckdb"),
                    "--site", str(out / "site"), "--as-of", as_of.isoformat()], out, check=check, **env)


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("generated")
    run_cli(["generate", "--out", str(tmp / "landing"), "--participants", "400", "--seed", "11",
             "--as-of", AS_OF.isoformat()], tmp)
    return tmp / "landing"


@pytest.fixture(scope="session")
def refreshed(generated, tmp_path_factory) -> Refreshed:
    out = tmp_path_factory.mktemp("refreshed")
    proc = refresh(generated, out, **VALUE_ENV)
    return Refreshed(generated, out / "warehouse.duckdb", out / "site", AS_OF, proc.stdout)


def query(warehouse: Path, sql: str, params=None) -> list[dict]:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cur = con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]
    finally:
        con.close()
