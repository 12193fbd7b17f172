"""The GX suite of a contract, run where the schedule's and scripts' Python runs it: a process started with
`python -c` (no __main__ file), where importing GX used to end the process through pyspark's doctest guard."""
from __future__ import annotations

import subprocess
import sys

from pipelines.lib.config import PROJECT_ROOT

SCRIPT = """
import pandas as pd
from pipelines.lib.contracts import load_contracts
from pipelines.lib.gx_suites import validate_frame

contract = load_contracts()["sponsors"]
frame = pd.DataFrame({c.name: ["x"] for c in contract.columns})
for column in ("_source_file", "_source_row", "_file_sha256", "_loaded_at"):
    frame[column] = "x"
summary = validate_frame(contract, frame)
print("evaluated", summary["evaluated"])
"""


def test_a_suite_validates_in_a_python_dash_c_process():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    evaluated = int(proc.stdout.split("evaluated")[-1])
    assert evaluated > 4  # the four lineage columns and at least one contract column were checked
