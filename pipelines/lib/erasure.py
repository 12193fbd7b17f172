"""Erasure: `coachlens forget PERSON...` (docs/privacy.md, "Erasure: `coachlens forget`").

A person is erased by their pseudonyms: the salted hash (as `participant_key`: the first 16 hex digits of
sha256(salt || value)) of their participant id, their email (trimmed, lower-cased) and, when the HR roster has
them, their employee id. The erasure log `<warehouse>.erasures.jsonl` (beside the salt, mode 0600) keeps those
pseudonyms, when each erasure happened and how many rows it removed: never the identity itself.

Every refresh applies the log while loading: a row of an erased person is not loaded; it is counted as rejected
(reason `erased`, no raw record kept) so rows read = rows loaded + rows rejected still holds, and a quarantined
row that names them loses its raw record and reason. `forget` applies the same to the published warehouse at
once (raw tables, quarantine, audit, and every derived table holding one of the pseudonyms' values or the
pseudonym itself), rebuilds the pages from it, and publishes both atomically.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb

ERASED_CODE = "erased"
ERASED_REASON = "erased at the person's request (coachlens forget): leave them out of the next export"
# columns that identify a person, per source (besides every column of type participant and its resolved id)
IDENTIFYING = {"participants": ("participant_id", "email"), "employees": ("employee_id", "email"),
               "hr_events": ("employee_id",)}
ERASURES_DDL = "CREATE OR REPLACE TABLE audit.erasures (erased_at TIMESTAMPTZ, people INTEGER, rows_removed BIGINT)"


def pseudonym(salt: str, value: str) -> str:
    return hashlib.sha256((salt + value).encode("utf-8")).hexdigest()[:16]


def log_path(warehouse: Path) -> Path:
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.name + ".erasures.jsonl")


def read_log(warehouse: Path) -> list[dict]:
    path = log_path(warehouse)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def erased_pseudonyms(warehouse: Path) -> set[str]:
    return {p for entry in read_log(warehouse) for p in entry["pseudonyms"]}


def _append_log(warehouse: Path, entry: dict) -> None:
    path = log_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def record_erasures(con, warehouse: Path) -> None:
    """audit.erasures: the log as counts (when, how many people, how many rows), for the operations page."""
    con.execute("CREATE SCHEMA IF NOT EXISTS audit")
    con.execute(ERASURES_DDL)
    for entry in read_log(warehouse):
        con.execute("INSERT INTO audit.erasures VALUES (?, ?, ?)",
                    [entry["erased_at"], entry["people"], sum(entry["rows_removed"].values())])


# --- matching ----------------------------------------------------------------------------

def _erased_table(con, pseudonyms: set[str]) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE _erased (p VARCHAR)")
    con.executemany("INSERT INTO _erased VALUES (?)", [[p] for p in sorted(pseudonyms)])


def _match_sql(columns: list[str], salt_param: str = "$salt") -> str:
    """True when a column's value (trimmed; or trimmed and lower-cased) hashes to an erased pseudonym, or is one."""
    terms = []
    for c in columns:
        v = f'trim(CAST("{c}" AS VARCHAR))'
        terms += [f"left(sha256({salt_param} || {v}), 16) IN (SELECT p FROM _erased)",
                  f"left(sha256({salt_param} || lower({v})), 16) IN (SELECT p FROM _erased)",
                  f"{v} IN (SELECT p FROM _erased)"]
    return "(" + " OR ".join(terms) + ")" if terms else "false"


def _mentions(text: str | None, salt: str, pseudonyms: set[str]) -> bool:
    """Whether any text value inside a JSON document (a raw record, a check result) is an erased person's."""
    if not text:
        return False
    try:
        stack = [json.loads(text)]
    except ValueError:
        stack = [text]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack += list(value.values())
        elif isinstance(value, list):
            stack += value
        elif value is not None:
            s = str(value).strip()
            if s in pseudonyms or pseudonym(salt, s) in pseudonyms or pseudonym(salt, s.lower()) in pseudonyms:
                return True
    return False


def identifying_columns(contract) -> list[str]:
    cols = list(IDENTIFYING.get(contract.source, ()))
    for c in contract.columns:
        if c.type == "participant":
            cols += [c.name, "_participant_id"]
    return cols


def _columns(con, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute("SELECT column_name, data_type FROM information_schema.columns "
                       "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position", [schema, table]).fetchall()


# --- erasing ----------------------------------------------------------------------------

def erase_raw_rows(con, source: str, columns: list[str], salt: str) -> dict[str, int]:
    """Move an erased person's rows of raw.<source> to the quarantine as `erased` (no raw record) and count them
    as rejected in the manifest. Returns {file: rows}."""
    present = {c for c, _ in _columns(con, "raw", source)}
    columns = [c for c in columns if c in present]
    if not columns:
        return {}
    cond = _match_sql(columns)
    params = {"salt": salt}
    counts = dict(con.execute(f'SELECT _source_file, count(*) FROM raw."{source}" WHERE {cond} GROUP BY 1',
                              params).fetchall())
    if not counts:
        return {}
    column = next((c for c in columns if c in present), "")
    con.execute(f"""INSERT INTO quarantine.rejected_rows
        SELECT $source, _source_file, _file_sha256, _source_row, $column, '{ERASED_CODE}', $reason, NULL, NULL,
               _loaded_at
        FROM raw."{source}" WHERE {cond}""", {**params, "source": source, "column": column, "reason": ERASED_REASON})
    for path, n in counts.items():
        con.execute("UPDATE raw.file_manifest SET rows_loaded = rows_loaded - ?, rows_rejected = rows_rejected + ? "
                    "WHERE path = ?", [n, n, path])
    con.execute(f'DELETE FROM raw."{source}" WHERE {cond}', params)
    return counts


def erase_quarantine_records(con, salt: str, pseudonyms: set[str], source: str | None = None) -> int:
    """Quarantined rows that name an erased person keep their place (file, row) but lose what they said."""
    where, params = ("WHERE source = ?", [source]) if source else ("", [])
    hits = [rowid for rowid, record, reason, other in con.execute(
        f"SELECT rowid, raw_record, reason, other_problems FROM quarantine.rejected_rows {where}", params).fetchall()
        if any(_mentions(t, salt, pseudonyms) for t in (record, reason, other))
        or _mentions_words(reason, salt, pseudonyms) or _mentions_words(other, salt, pseudonyms)]
    if hits:
        con.execute("CREATE OR REPLACE TEMP TABLE _hits AS SELECT unnest(?) AS r", [hits])
        con.execute(f"""UPDATE quarantine.rejected_rows SET reason_code = '{ERASED_CODE}', reason = ?,
                        other_problems = NULL, raw_record = NULL WHERE rowid IN (SELECT r FROM _hits)""",
                    [ERASED_REASON])
    return len(hits)


def _mentions_words(text: str | None, salt: str, pseudonyms: set[str]) -> bool:
    """A reason such as 'unknown participant P404 ...' names the value among its words."""
    if not text:
        return False
    words = {w.strip("\"'.,;:()[]") for w in text.split()}
    return any(_mentions(json.dumps(w), salt, pseudonyms) for w in words if w)


def apply_erasures(con, contract, result, salt: str, pseudonyms: set[str]) -> int:
    """During a refresh, after a source was loaded: keep erased people out of it (and keep the manifest and the
    loader's result in step). Returns the rows removed."""
    if not pseudonyms:
        return 0
    _erased_table(con, pseudonyms)
    counts = erase_raw_rows(con, contract.source, identifying_columns(contract), salt)
    erase_quarantine_records(con, salt, pseudonyms, contract.source)
    for f in result.files:
        n = counts.get(f.path, 0)
        f.rows_loaded -= n
        f.rows_rejected += n
    return sum(counts.values())


def _scrub_derived(con, salt: str, pseudonyms: set[str]) -> dict[str, int]:
    """Every other base table: delete rows holding an erased value or pseudonym; blank JSON that mentions one."""
    removed = {}
    tables = con.execute("""SELECT table_schema, table_name FROM information_schema.tables
                            WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('raw', 'quarantine')
                            ORDER BY 1, 2""").fetchall()
    for schema, table in tables:
        cols = _columns(con, schema, table)
        text_cols = [c for c, t in cols if t == "VARCHAR"]
        json_cols = [c for c, t in cols if t == "JSON"]
        if text_cols:
            cond = _match_sql(text_cols)
            n = con.execute(f'SELECT count(*) FROM "{schema}"."{table}" WHERE {cond}', {"salt": salt}).fetchall()[0][0]
            if n:
                con.execute(f'DELETE FROM "{schema}"."{table}" WHERE {cond}', {"salt": salt})
                removed[f"{schema}.{table}"] = n
        for c in json_cols:
            hits = [rowid for rowid, text in con.execute(f'SELECT rowid, CAST("{c}" AS VARCHAR) FROM "{schema}"."{table}"')
                    .fetchall() if _mentions(text, salt, pseudonyms)]
            if hits:
                con.execute("CREATE OR REPLACE TEMP TABLE _hits AS SELECT unnest(?) AS r", [hits])
                con.execute(f'UPDATE "{schema}"."{table}" SET "{c}" = NULL WHERE rowid IN (SELECT r FROM _hits)')
                removed[f"{schema}.{table}.{c}"] = len(hits)
    return removed


# --- coachlens forget ---------------------------------------------------------------------

def _identify(con, person: str, salt: str) -> tuple[set[str], bool]:
    """The pseudonyms of one person given by id or email; found = whether the warehouse knows them."""
    person = person.strip()
    rows = []
    try:
        rows = con.execute("SELECT participant_id, email FROM raw.participants "
                           "WHERE trim(participant_id) = ? OR lower(trim(email)) = lower(?)", [person, person]).fetchall()
    except duckdb.Error:
        pass
    values = {person.lower() if "@" in person else person}
    for pid, email in rows:
        values |= {pid.strip(), (email or "").strip().lower()} - {""}
    emails = [v for v in values if "@" in v]
    try:
        for (employee_id,) in con.execute("SELECT employee_id FROM raw.employees WHERE lower(trim(email)) IN "
                                          "(SELECT unnest(?))", [emails]).fetchall():
            values.add(employee_id.strip())
    except duckdb.Error:
        pass
    return {pseudonym(salt, v) for v in values}, bool(rows)


def _rebuild_pages(con, ws, cfg):
    """Every page again from the cleaned warehouse. Returns the failed refresh (an Outcome and its dates) when the
    published one failed: its operations page is written again once `con` is closed (write_failure_pages)."""
    from dashboards.site import build_site
    from pipelines.lib.outcome import Outcome

    tables = {r[0] for r in con.execute(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables").fetchall()}
    if any(t.startswith("marts.") for t in tables):
        build_site(con, ws.work_site, cfg.min_group_size, log=lambda m: None, currency=cfg.reporting_currency,
                   cron=cfg.schedule_cron, cron_tz=cfg.schedule_timezone)
    if "audit.failed_refresh" not in tables:
        return None
    run_id, failed_at, as_of, problems, last_good = con.execute("SELECT * FROM audit.failed_refresh").fetchall()[0]
    return Outcome(run_id, False, json.loads(problems) if problems else ["(erased)"]), as_of, failed_at, last_good


def forget(cfg, people: list[str], log=print) -> int:
    """Erase people from the published warehouse and pages now, and from every later refresh."""
    from pipelines.lib.contracts import load_contracts
    from pipelines.lib.salt import installation_salt
    from pipelines.lib.workspace import RefreshLock, Workspace

    salt = installation_salt(cfg.pseudonym_salt, cfg.warehouse)
    ws = Workspace(Path(cfg.warehouse), Path(cfg.site), "forget")
    lock = RefreshLock(ws.lock_path)
    lock.acquire()
    try:
        ws.reset()
        if ws.warehouse.exists():
            shutil.copyfile(ws.warehouse, ws.work_warehouse)
        con = duckdb.connect(str(ws.work_warehouse))
        try:
            pseudonyms, found = set(), 0
            for person in people:
                ids, known = _identify(con, person, salt)
                pseudonyms |= ids
                found += known
                if not known:
                    log(f"{person!r} is not in the warehouse; recorded, so later refreshes leave them out")
            pseudonyms |= erased_pseudonyms(ws.warehouse)
            _erased_table(con, pseudonyms)
            removed: dict[str, int] = {}
            if ws.warehouse.exists():
                for contract in load_contracts().values():
                    try:
                        counts = erase_raw_rows(con, contract.source, identifying_columns(contract), salt)
                    except duckdb.CatalogException:
                        continue
                    if counts:
                        removed[f"raw.{contract.source}"] = sum(counts.values())
                quarantined = erase_quarantine_records(con, salt, pseudonyms)
                if quarantined:
                    removed["quarantine.rejected_rows (raw records blanked)"] = quarantined
                removed.update(_scrub_derived(con, salt, pseudonyms))
            entry = {"erased_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                     "people": len(people), "found_in_warehouse": found,
                     "pseudonyms": sorted(pseudonyms - erased_pseudonyms(ws.warehouse)), "rows_removed": removed}
            _append_log(ws.warehouse, entry)
            record_erasures(con, ws.warehouse)
            con.execute("CHECKPOINT")
            failed = _rebuild_pages(con, ws, cfg)
        finally:
            con.close()
        if failed is not None:
            from pipelines.lib.failed_refresh import write_failure_pages

            write_failure_pages(ws.work_site, ws.work_warehouse, *failed)
        if ws.warehouse.exists():
            ws.publish()
        else:
            ws.work_warehouse.unlink(missing_ok=True)
            shutil.rmtree(ws.work_site, ignore_errors=True)
    finally:
        lock.release()
    log(f"erased {len(people)} person(s) ({found} found in the warehouse) at {entry['erased_at']}; rows removed: "
        + (", ".join(f"{k} {v}" for k, v in sorted(removed.items())) or "none"))
    log(f"later refreshes leave them out (erasure log: {log_path(ws.warehouse)}; it holds pseudonyms, not identities)")
    return 0
