"""The evidence record of a refresh: what went in, under which settings and code, what came out.

`evidence.json` is published with the site: the sha256 of every input file with its rows read, loaded and
rejected, the configuration and assumptions (the salt hidden), the code version, the sha256 of the dbt manifest,
every check result of the run, and the sha256 of every mart's rows. Its fingerprint (the first 16 hex digits of
the sha256 of the record) is shown on the sponsor pages and kept in `audit.evidence`. `coachlens verify SITE`
refreshes the same inputs again, beside the published files, and compares the marts' hashes.
"""
from __future__ import annotations

import hashlib
import json
import subprocess

from pipelines.lib.config import PROJECT_ROOT

EVIDENCE_FILE = "evidence.json"
EVIDENCE_DDL = "CREATE OR REPLACE TABLE audit.evidence (fingerprint VARCHAR, record JSON)"


def sha256_file(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def code_version() -> str:
    """The git commit of the code (with '+dirty' when it has uncommitted changes), else 'unknown'."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                                timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (commit + ("+dirty" if dirty else "")) if commit else "unknown"


def _text(value) -> str | None:
    """A value as text; a floating-point number to 12 significant digits, so the summation order of a parallel
    aggregate (which moves the last bits of a double) does not count as a different result."""
    if value is None:
        return None
    if isinstance(value, float):
        return f"{value:.12g}"
    return str(value)


def mart_hashes(con) -> dict[str, dict]:
    """sha256 of every mart's rows (all columns, in a fixed order, as text) and its row count. The tables of
    `marts` only: its views (refresh_run_info) describe the run itself, not what its inputs give."""
    out = {}
    names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                       "WHERE table_schema = 'marts' AND table_type = 'BASE TABLE' "
                                       "ORDER BY 1").fetchall()]
    for name in names:
        digest = hashlib.sha256()
        rows = con.execute(f'SELECT * FROM marts."{name}" ORDER BY ALL').fetchall()
        for row in rows:
            digest.update(json.dumps([_text(v) for v in row]).encode("utf-8"))
            digest.update(b"\n")
        out[name] = {"rows": len(rows), "sha256": digest.hexdigest()}
    return out


def check_results(events) -> list[dict]:
    """Every asset check evaluated in the run so far (contracts, file readability, freshness, dbt tests)."""
    out = []
    for entry in events:
        event = getattr(entry, "dagster_event", entry)
        if event is None or event.event_type_value != "ASSET_CHECK_EVALUATION":
            continue
        data = event.event_specific_data
        out.append({"asset": data.asset_key.to_user_string(), "check": data.check_name, "passed": bool(data.passed),
                    "severity": data.severity.value, "description": data.description or ""})
    return sorted(out, key=lambda c: (c["asset"], c["check"]))


def build_evidence(con, settings: dict, dbt_manifest, events) -> dict:
    files = [{"path": p, "sha256": s, "status": st, "rows_read": r, "rows_loaded": lo, "rows_rejected": rj}
             for p, s, st, r, lo, rj in con.execute(
                 "SELECT path, sha256, status, rows_read, rows_loaded, rows_rejected FROM raw.file_manifest "
                 "ORDER BY path").fetchall()]
    run_id, as_of, landing = con.execute("SELECT run_id, as_of, landing FROM raw.refresh_run").fetchall()[0]
    return {
        "format": "coachlens-evidence/1",
        "run_id": run_id,
        "as_of": str(as_of),
        "landing": landing,
        "settings": {k: v for k, v in settings.items() if k != "pseudonym_salt"},
        "code_version": code_version(),
        "dbt_manifest_sha256": sha256_file(dbt_manifest),
        "input_files": files,
        "checks": check_results(events),
        "marts": mart_hashes(con),
    }


def fingerprint(record: dict) -> str:
    return hashlib.sha256(canonical(record).encode("utf-8")).hexdigest()[:16]


def canonical(record: dict) -> str:
    return json.dumps(record, sort_keys=True, indent=1, default=str)
