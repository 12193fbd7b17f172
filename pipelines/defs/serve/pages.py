"""Which pages a refresh writes again; the others are copied from the published site.

The *input key* of a kind of page is the sha256 of what it shows: the page code (`dashboards/`, this
folder), the run facts on it (as-of date, settings, failed files, rows read and rejected, stale sources; not
the refresh time or the evidence fingerprint), and the rows of every mart it reads (the dbt exposures in
`dbt_project/models/marts/_exposures.yml`; the sha256 per mart of the run's evidence record).

- `sponsor_pages` (every sponsor page, and the index, which lists the sponsors and the run status),
- `finance_page` (finance.html),
- the operations page is always written: it reports the run itself (its checks and validations).

When the sponsor and finance keys equal the published refresh's, those pages are copied from the published
site, with the evidence record they cite (`evidence/<fingerprint>.json`), and only operations.html is
written. A copied page keeps the refresh time and evidence fingerprint of the refresh that wrote it: its
figures are the ones that refresh computed. Otherwise every page is written. The keys are kept in
`audit.page_inputs`.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

import duckdb

PAGE_INPUTS_DDL = """CREATE OR REPLACE TABLE audit.page_inputs (
    page VARCHAR, fingerprint VARCHAR, evidence_fingerprint VARCHAR)"""
SKIPPABLE = ("sponsor_pages", "finance_page")
COPIED = ("index.html", "finance.html", "sponsors")


def exposure_marts(manifest: dict) -> dict[str, list[str]]:
    """exposure name -> the models it reads, from the dbt manifest."""
    nodes = manifest["nodes"]
    return {e["name"]: sorted(nodes[uid]["name"] for uid in e["depends_on"]["nodes"] if uid in nodes)
            for e in manifest["exposures"].values()}


def page_keys(manifest: dict, mart_hashes: dict, facts: dict, code_version: str) -> dict[str, str]:
    """The input key of every page kind that can be copied."""
    reads = exposure_marts(manifest)
    keys = {}
    for page in SKIPPABLE:
        payload = {"code": code_version, "facts": facts,
                   "marts": {m: mart_hashes.get(m) for m in reads.get(page, [])}}
        keys[page] = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    return keys


def run_facts(run, **shown) -> dict:
    """What a page shows about its run, without the refresh time and the evidence fingerprint, which differ on
    every run (RunInfo of dashboards.data)."""
    facts = dataclasses.asdict(run)
    for per_run in ("refreshed_at", "evidence_fingerprint"):
        facts.pop(per_run, None)
    return {**facts, **shown}


def published_keys(warehouse: Path) -> dict[str, tuple[str, str]]:
    """page -> (key, evidence fingerprint) of the published refresh; empty when it has none."""
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return {}
    try:
        return {p: (k, fp) for p, k, fp in con.execute("SELECT * FROM audit.page_inputs").fetchall()}
    except duckdb.Error:
        return {}
    finally:
        con.close()


def reusable(keys: dict[str, str], before: dict[str, tuple[str, str]], published_site: Path) -> str | None:
    """The evidence fingerprint the published sponsor and finance pages cite when all of them can be copied."""
    cited = {before[p][1] for p in SKIPPABLE if p in before}
    if any(before.get(p, (None,))[0] != keys[p] for p in SKIPPABLE) or len(cited) != 1:
        return None
    if not all((Path(published_site) / name).exists() for name in COPIED):
        return None
    return cited.pop()


def copy_pages(published_site: Path, site: Path, evidence_fp: str, evidence_file: str) -> list[Path]:
    """Copy the sponsor pages, finance.html and index.html, and the evidence record they cite."""
    published_site, site = Path(published_site), Path(site)
    for name in COPIED:
        src = published_site / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, site / name)
    kept = published_site / "evidence" / f"{evidence_fp}.json"
    record = kept if kept.exists() else published_site / evidence_file
    (site / "evidence").mkdir(exist_ok=True)
    shutil.copy2(record, site / "evidence" / f"{evidence_fp}.json")
    return [site / "index.html", site / "finance.html", *sorted((site / "sponsors").glob("*.html"))]


def record_keys(con, keys: dict[str, str], evidence_fp: str) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS audit")
    con.execute(PAGE_INPUTS_DDL)
    con.executemany("INSERT INTO audit.page_inputs VALUES (?, ?, ?)",
                    [[p, k, evidence_fp] for p, k in sorted(keys.items())])
