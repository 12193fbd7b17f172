"""`coachlens verify SITE`: refresh the inputs of a published evidence record again and compare every mart.

The refresh runs beside the published warehouse, on a copy of it (so files keep their first-load times), with
the record's as-of date and settings and the installation's salt; alerts are off. It says which input files
changed since the record, and which marts are not reproduced exactly (same rows, same values)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

from pipelines.lib.config import KEYS
from pipelines.lib.evidence import EVIDENCE_FILE, mart_hashes, sha256_file
from pipelines.lib.salt import installation_salt


def _input_changes(record: dict, landing: Path) -> list[str]:
    changes = []
    known = set()
    for f in record["input_files"]:
        path = landing / f["path"]
        known.add(f["path"])
        if not path.is_file():
            changes.append(f"{f['path']}: missing")
        elif sha256_file(path) != f["sha256"]:
            changes.append(f"{f['path']}: changed (sha256 differs)")
    for path in sorted(p for p in landing.glob("*/*") if p.is_file()):
        rel = f"{path.parent.name}/{path.name}"
        if rel not in known:
            changes.append(f"{rel}: new file")
    return changes


def _env(record: dict, cfg, landing: Path, work: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHLENS_")}
    env.update({"COACHLENS_LANDING": str(landing), "COACHLENS_WAREHOUSE": str(work / "warehouse.duckdb"),
                "COACHLENS_SITE": str(work / "site"), "COACHLENS_AS_OF": record["as_of"],
                "COACHLENS_PSEUDONYM_SALT": installation_salt(cfg.pseudonym_salt, cfg.warehouse),
                "COACHLENS_ALERTS_OFF": "1", "DAGSTER_HOME": str(work / "dagster_home")})
    if cfg.source_file:
        env["COACHLENS_CONFIG"] = str(cfg.source_file)
    for key, value in record["settings"].items():
        if key == "freshness":
            env.update({f"COACHLENS_FRESHNESS_{s.upper()}": str(h) for s, h in value.items()})
        elif key in KEYS and key not in ("as_of", "pseudonym_salt") and value is not None:
            env[f"COACHLENS_{key.upper()}"] = str(value)
        elif f"value_{key}" in KEYS and value is not None:  # [value] keys reach dbt without their prefix
            env[f"COACHLENS_VALUE_{key.upper()}"] = str(value)
    return env


def verify(site: Path, cfg, landing: Path | None = None, log=print) -> int:
    record_path = Path(site) / EVIDENCE_FILE
    if not record_path.exists():
        log(f"error: {record_path} does not exist: verify needs the site of a refresh that published evidence")
        return 2
    record = json.loads(record_path.read_text(encoding="utf-8"))
    landing = Path(landing or record["landing"])
    changes = _input_changes(record, landing)
    for change in changes:
        log(f"input {change}")
    work = Path(tempfile.mkdtemp(prefix="verify-", dir=Path(cfg.warehouse).parent))
    try:
        if Path(cfg.warehouse).exists():
            shutil.copyfile(cfg.warehouse, work / "warehouse.duckdb")
        coachlens = str(Path(sys.executable).with_name("coachlens"))
        proc = subprocess.run([coachlens, "refresh", "--quiet"], env=_env(record, cfg, landing, work), cwd=work,
                              capture_output=True, text=True)
        if proc.returncode not in (0, 4):
            log(f"the refresh of the same inputs FAILED (exit {proc.returncode}):\n{proc.stderr.strip()}")
            return 1
        con = duckdb.connect(str(work / "warehouse.duckdb"), read_only=True)
        try:
            again = mart_hashes(con)
        finally:
            con.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    published = record["marts"]
    differ = sorted(m for m in set(published) | set(again) if published.get(m) != again.get(m))
    for mart in differ:
        before, now = published.get(mart), again.get(mart)
        log(f"mart {mart} is NOT reproduced: "
            + (f"{before['rows']} rows published, {now['rows']} now" if before and now else
               "missing in " + ("the published record" if not before else "the new refresh")))
    if differ:
        log(f"{len(differ)} of {len(published)} marts differ from the evidence record of run {record['run_id']}"
            + (" (inputs changed, listed above)" if changes else ""))
        return 1
    log(f"every mart ({len(published)}) is reproduced exactly from the inputs of run {record['run_id']}"
        + (" although inputs changed (listed above)" if changes else ""))
    return 0 if not changes else 1
