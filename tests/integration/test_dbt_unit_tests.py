"""dbt unit tests (expected rows worked out by hand in the models' YAML) run against a refreshed warehouse copy."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def test_dbt_unit_tests_pass(refreshed, tmp_path):
    db = tmp_path / "unit.duckdb"
    shutil.copy(refreshed.warehouse, db)
    dbt = str(Path(sys.executable).with_name("dbt"))
    proc = subprocess.run([dbt, "test", "--select", "test_type:unit", "--profiles-dir", ".", "--target-path",
                           str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
                          cwd=ROOT / "dbt_project", capture_output=True, text=True,
                          env={**os.environ, "COACHLENS_DBT_DATABASE": str(db)})
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert "ERROR=0" in proc.stdout and "PASS=" in proc.stdout
    passed = int(proc.stdout.split("PASS=")[1].split()[0])
    assert passed >= 20
