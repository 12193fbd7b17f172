"""Load one landing source into raw.<source>: every row read is loaded or rejected with a reason.

For each file (ascending code-point order of name): stage its rows as _file (staging.py), find the natural
keys it holds more than once, check every row against the contract in one SQL pass, append accepted rows
(typed, with provenance, in file order) and put rejected rows in quarantine.rejected_rows. Then keep, per
natural key, the row of the file loaded last. Each file gets a manifest row.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .contracts import Column, Contract
from .carry_over import file_sha256
from .exports import ExportContext, open_export
from .exports.merge import merge_booked_and_attended
from .fast_csv import plain_csv_layout
from .file_messages import missing_columns_message
from .readers import TABLE_EXTENSIONS, FileError, duplicated_columns, open_table
from .row_rules import RULES
from .sql_text import lit, q
from .staging import Staged, stage_batches, stage_plain_csv

SQL_TYPES = {"date": "DATE", "timestamp": "TIMESTAMPTZ", "integer": "BIGINT", "number": "DOUBLE",
             "boolean": "BOOLEAN", "money": "DECIMAL(20,6)", "rate": "DECIMAL(24,18)"}
"""Money and exchange rates are exact decimals (docs/loading.md "Money"): amounts to 6 decimal places, rates
to 18; a value with more decimal places is rounded there (half away from zero)."""
DATE_RE = r"\d{4}-\d{2}-\d{2}"
OFFSET_RE = r"(Z|z|[+-]\d{2}(:?\d{2})?)"
TIMESTAMP_RE = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?" + OFFSET_RE + "?"
INTEGER_RE = r"[+-]?\d+"
NUMBER_RE = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"
TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")


@dataclass
class LoadSettings:
    as_of: dt.date
    reporting_currency: str = "USD"
    timezone: str = "UTC"


@dataclass
class FileResult:
    path: str
    sha256: str
    source: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    status: str = "ok"
    message: str = ""
    loaded_at: dt.datetime | None = None


@dataclass
class SourceResult:
    source: str
    files: list[FileResult] = field(default_factory=list)
    rows_in_raw: int = 0

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    def totals(self) -> dict:
        return {
            "files": len([f for f in self.files if f.status != "skipped"]),
            "rows_read": sum(f.rows_read for f in self.files),
            "rows_loaded": sum(f.rows_loaded for f in self.files),
            "rows_rejected": sum(f.rows_rejected for f in self.files),
            "files_failed": len(self.failed),
            "rows_in_raw": self.rows_in_raw,
        }


def sha256_of(path: Path) -> str:
    return file_sha256(path)  # hashed once per refresh: the incremental check hashes the same files


def prepare_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    """Schemas, the manifest and the quarantine table, and the helpers the checks use."""
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute("CREATE SCHEMA IF NOT EXISTS quarantine")
    con.execute("""
        CREATE TABLE IF NOT EXISTS raw.file_manifest (
            path VARCHAR, sha256 VARCHAR, source VARCHAR, rows_read BIGINT, rows_loaded BIGINT,
            rows_rejected BIGINT, status VARCHAR, message VARCHAR, loaded_at TIMESTAMPTZ)""")
    con.execute("""
        CREATE TABLE IF NOT EXISTS quarantine.rejected_rows (
            source VARCHAR, file VARCHAR, file_sha256 VARCHAR, row_number BIGINT, column_name VARCHAR,
            reason_code VARCHAR, reason VARCHAR, other_problems VARCHAR, raw_record VARCHAR, loaded_at TIMESTAMPTZ)""")


def _session_helpers(con: duckdb.DuckDBPyConnection) -> None:
    """Connection-scoped helpers of the checks: number formatting and the IANA zone names."""
    con.execute("SET TimeZone = 'UTC'")
    con.execute("""CREATE OR REPLACE TEMP MACRO _fmt(x) AS CASE
        WHEN x = trunc(x) AND abs(x) < 1e15 THEN CAST(CAST(x AS BIGINT) AS VARCHAR) ELSE CAST(x AS VARCHAR) END""")
    con.execute("""CREATE OR REPLACE TEMP TABLE _tznames AS
        SELECT lower(name) AS lname, min(name) AS name FROM pg_timezone_names() GROUP BY 1""")


def raw_columns_ddl(contract: Contract) -> str:
    cols = [f"{q(c.name)} {SQL_TYPES.get(c.type, 'VARCHAR')}" for c in contract.columns]
    for c in contract.columns:
        if c.type in ("participant", "coach"):
            cols.append(f"{q('_' + c.type + '_id')} VARCHAR")
    cols += ["_extra VARCHAR", "_source_file VARCHAR", "_source_row BIGINT", "_file_sha256 VARCHAR",
             "_loaded_at TIMESTAMPTZ"]
    return ", ".join(cols)


# --- SQL for one column -------------------------------------------------------

TYPED = "@TYPED@"  # stands for the column's typed value, computed once per row in the check query


def _integer_digits(sql_type: str) -> int:
    precision, scale = (int(x) for x in sql_type[len("DECIMAL("):-1].split(","))
    return precision - scale


def _typed_and_problems(c: Column, settings: LoadSettings) -> tuple[str, list[tuple[str, str, str]]]:
    """(typed SQL expression, [(bad-condition, reason, code)]) for column c; v is the trimmed text.

    Conditions refer to the typed value through TYPED, so each parse (regular expressions, time zone
    conversion) runs once per row; a typed value is NULL exactly when its non-empty text did not parse.
    """
    v = f"t.{q('_v_' + c.name)}"
    shown = f"'\"' || left({v}, 60) || '\"'"
    bad_parse = f"{v} IS NOT NULL AND {TYPED} IS NULL"
    problems: list[tuple[str, str, str]] = []
    if c.required:
        problems.append((f"{v} IS NULL", f"'{c.name} is required but empty'", "missing_required"))
    typed = v
    kind = c.type
    if kind == "email":
        typed = f"lower({v})"
    elif kind == "date":
        typed = f"CASE WHEN regexp_full_match({v}, '{DATE_RE}') THEN try_cast({v} AS DATE) END"
        problems.append((bad_parse, f"{shown} || ' is not a date (YYYY-MM-DD)'", "bad_type"))
    elif kind == "timestamp":
        ok = f"regexp_full_match({v}, '{TIMESTAMP_RE}')"
        has_offset = f"regexp_matches({v}, '{OFFSET_RE}$')"
        naive = f"try_cast(replace({v}, 'T', ' ') AS TIMESTAMP)"
        typed = (f"CASE WHEN NOT ({ok}) THEN NULL WHEN {has_offset} THEN try_cast({v} AS TIMESTAMPTZ) "
                 f"ELSE timezone(coalesce(t._tz, {lit(settings.timezone)}), {naive}) END")
        problems.append((bad_parse, f"{shown} || ' is not a timestamp (YYYY-MM-DDTHH:MM:SS, optional offset)'",
                         "bad_type"))
    elif kind == "integer":
        typed = f"CASE WHEN regexp_full_match({v}, '{INTEGER_RE}') THEN try_cast({v} AS BIGINT) END"
        problems.append((bad_parse, f"{shown} || ' is not a whole number'", "bad_type"))
    elif kind == "number":
        typed = f"CASE WHEN regexp_full_match({v}, '{NUMBER_RE}') THEN try_cast({v} AS DOUBLE) END"
        problems.append((bad_parse, f"{shown} || ' is not a number'", "bad_type"))
    elif kind in ("money", "rate"):
        sql_type = SQL_TYPES[kind]
        typed = (f"CASE WHEN regexp_full_match({v}, '{NUMBER_RE}') THEN coalesce(try_cast({v} AS {sql_type}), "
                 f"try_cast(try_cast({v} AS DOUBLE) AS {sql_type})) END")
        what = "an amount of money" if kind == "money" else "an exchange rate"
        problems.append((bad_parse, f"{shown} || ' is not {what} (digits, optionally a decimal point; "
                                    f"at most {_integer_digits(sql_type)} digits before it)'", "bad_type"))
    elif kind == "boolean":
        typed = f"CASE WHEN lower({v}) IN ({', '.join(lit(w) for w in TRUE_WORDS)}) THEN TRUE " \
                f"WHEN lower({v}) IN ({', '.join(lit(w) for w in FALSE_WORDS)}) THEN FALSE END"
        problems.append((bad_parse, f"{shown} || ' is not true or false'", "bad_type"))
    elif kind == "enum":
        allowed = ", ".join(lit(x) for x in c.values)
        typed = f"CASE WHEN list_contains([{allowed}], lower({v})) THEN lower({v}) END"  # IN would plan a join
        problems.append((bad_parse, f"{shown} || ' is not allowed for {c.name}; allowed: {', '.join(c.values)}'",
                         "not_allowed"))
    elif kind == "currency":
        typed = f"CASE WHEN regexp_full_match(upper({v}), '[A-Z]{{3}}') THEN upper({v}) END"
        problems.append((bad_parse, f"{shown} || ' is not a three-letter currency code such as USD'", "bad_currency"))
    elif kind == "timezone":
        typed = f"(SELECT name FROM _tznames WHERE lname = lower({v}))"
        problems.append((bad_parse, f"{shown} || ' is not an IANA time zone such as Europe/London'",
                         "unknown_timezone"))
    elif kind in ("participant", "coach"):
        resolved = f"t.{q('_' + kind + '_id')}"
        problems.append((f"{v} IS NOT NULL AND {resolved} IS NULL",
                         f"'unknown {kind} ' || {shown} || ': no {kind} has this id or (unique) email'",
                         "unknown_reference"))
    if c.references:
        target_key = {"sponsors": "sponsor_id", "cohorts": "cohort_id", "survey_items": "item_id"}[c.references]
        problems.append((f"{v} IS NOT NULL AND t.{q('_ref_' + c.name)} IS NULL",
                         f"'unknown {target_key.replace('_id', '')} ' || {shown} || ': not in {c.references}'",
                         "unknown_reference"))
    if c.min is not None:
        problems.append((f"{TYPED} < {c.min}", f"'{c.name} ' || _fmt({TYPED}) || ' is below the minimum {c.min:g}'",
                         "out_of_range"))
    if c.max is not None:
        problems.append((f"{TYPED} > {c.max}", f"'{c.name} ' || _fmt({TYPED}) || ' is above the maximum {c.max:g}'",
                         "out_of_range"))
    if c.min_exclusive is not None:
        problems.append((f"{TYPED} <= {c.min_exclusive}",
                         f"'{c.name} ' || _fmt({TYPED}) || ' must be greater than {c.min_exclusive:g}'",
                         "out_of_range"))
    if c.default is not None:
        default = {"reporting_currency": lit(settings.reporting_currency),
                   "config_timezone": lit(settings.timezone)}.get(c.default)
        if default is None:
            default = "FALSE" if c.default is False else ("TRUE" if c.default is True else repr(c.default))
        typed = f"CASE WHEN {v} IS NULL THEN {default} ELSE {typed} END"
    sql_type = SQL_TYPES.get(kind, "VARCHAR")
    return f"CAST({typed} AS {sql_type})", problems


def _reference_joins(contract: Contract, present: set[str]) -> tuple[list[str], list[str]]:
    """LEFT JOINs resolving participant/coach/source references, and the columns they add.

    A participant or coach is matched by id, else by (unique, lower-case) email: one join on the text as
    written finds both an id and a lower-case email; a second join, probed only by the rows that found no id
    and hold upper-case letters, looks up their lower-cased text among the emails."""
    joins, cols = [], []
    for c in contract.columns:
        v = f"t.{q('_v_' + c.name)}"
        if c.type in ("participant", "coach"):
            table = "_lookup_" + c.type
            exact, lowered = f"{c.type}_as_written", f"{c.type}_lowered"
            joins.append(f"LEFT JOIN {table} {exact} ON {exact}.key = {v}")
            joins.append(f"LEFT JOIN {table} {lowered} ON {lowered}.key = "
                         f"CASE WHEN {exact}.id_ref IS NULL AND {v} <> lower({v}) THEN lower({v}) END")
            cols.append(f"coalesce({exact}.id_ref, {exact}.mail_ref, {lowered}.mail_ref) AS {q('_' + c.type + '_id')}")
            if c.type == "participant":
                cols.append(f"coalesce({exact}.id_tz, {exact}.mail_tz, {lowered}.mail_tz) AS _tz")
        if c.references:
            target = c.references
            key = {"sponsors": "sponsor_id", "cohorts": "cohort_id", "survey_items": "item_id"}[target]
            alias = "ref_" + c.name
            joins.append(f"LEFT JOIN (SELECT DISTINCT {key} FROM raw.{target}) {alias} ON {alias}.{key} = {v}")
            cols.append(f"{alias}.{key} AS {q('_ref_' + c.name)}")
    if not any(c.type == "participant" for c in contract.columns):
        cols.append("NULL::VARCHAR AS _tz")
    return joins, cols


def build_lookups(con: duckdb.DuckDBPyConnection, settings: LoadSettings) -> None:
    """Id and email lookups for participant and coach references, one row per key: the participant whose id
    it is and the one whose email it is (an email two people share matches nothing)."""
    tz = lit(settings.timezone)
    for kind, table in (("participant", "participants"), ("coach", "coaches")):
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema='raw' AND table_name=?", [table]
        ).fetchall()[0][0]
        if not exists:
            con.execute(f"CREATE OR REPLACE TEMP TABLE _lookup_{kind} "
                        "(key VARCHAR, id_ref VARCHAR, id_tz VARCHAR, mail_ref VARCHAR, mail_tz VARCHAR)")
            continue
        tz_expr = f"coalesce(c.timezone, {tz})" if kind == "participant" else "NULL"
        join = "LEFT JOIN raw.cohorts c ON c.cohort_id = p.cohort_id" if kind == "participant" else ""
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _lookup_{kind} AS
            WITH base AS (SELECT p.{kind}_id AS ref_id, p.email, {tz_expr} AS tz FROM raw.{table} p {join}),
            ids AS (SELECT ref_id AS key, ref_id, tz FROM base),
            mails AS (SELECT email AS key, min(ref_id) AS ref_id, min(tz) AS tz FROM base WHERE email IS NOT NULL
                      GROUP BY email HAVING count(*) = 1)
            SELECT coalesce(i.key, m.key) AS key, i.ref_id AS id_ref, i.tz AS id_tz, m.ref_id AS mail_ref,
                   m.tz AS mail_tz
            FROM ids i FULL OUTER JOIN mails m ON i.key = m.key""")


def _key_text(contract: Contract, prefix: str = "t.", column: str = "_v_") -> list[str]:
    out = []
    for name in contract.natural_key:
        c = contract.column(name)
        v = f"{prefix}{q(column + name)}"
        if c.type == "currency":
            v = f"upper({v})"
        elif c.type == "enum":
            v = f"lower({v})"
        out.append(f"coalesce({v}, '')")
    return out


def _text_sql(name: str, header: list[str], trimmed: bool) -> str:
    """A column's text as the checks see it: trimmed, NULL when empty (a file whose layout scan found every field
    already trimmed, with empty fields read as NULL, needs neither step)."""
    src = f"f.{q(name)}" if name in header else "NULL::VARCHAR"
    return src if trimmed else f"nullif(trim({src}), '')"


def _row_key_sql(contract: Contract, header: list[str], ragged: bool = True,
                 trimmed: bool = False) -> tuple[list[str], str]:
    """The natural key of every row, ragged ones included (docs/loading.md: a duplicate key rejects every copy): a ragged
    row's key is read from its fields by the header's positions of the key columns. Returns the `_k_<key>` columns
    and the `_k_alone` term: non-NULL for a row that counts on its own (an export adapter's verdict row, or a
    ragged row too short to hold the key). A file read as plain (`ragged` false) has neither."""
    if not ragged:
        return [f"{_text_sql(name, header, trimmed)} AS {q('_k_' + name)}" for name in contract.natural_key], \
            "NULL::BIGINT"
    cols, positions = [], []
    for name in contract.natural_key:
        value = f"f.{q(name)}" if name in header else "NULL::VARCHAR"
        if name in header:
            positions.append(header.index(name))
            value = (f"CASE WHEN f._malformed IS NULL THEN {value} "
                     f"ELSE json_extract_string(f._malformed, '$.fields[{header.index(name)}]') END")
        cols.append(f"nullif(trim({value}), '') AS {q('_k_' + name)}")
    short = (f"CASE WHEN f._malformed IS NOT NULL AND coalesce(json_array_length(f._malformed, '$.fields'), 0) "
             f"<= {max(positions)} THEN f._seq END" if positions else "NULL")
    alone = (f"CASE WHEN f._reject_code IS NOT NULL OR f._member_of IS NOT NULL OR f._count_only IS TRUE "
             f"THEN f._seq ELSE {short} END")
    return cols, alone


def duplicate_keys_sql(contract: Contract, header: list[str], ragged: bool = True, trimmed: bool = False) -> str:
    """The natural keys (as `_d<i>` texts) that occur more than once in _file, with their count `n`. Counted over
    every row of the file, ragged rows included, so each copy of a duplicated key is rejected (docs/loading.md, issue 13)."""
    cols, alone = _row_key_sql(contract, header, ragged, trimmed)
    keys = [f"{k} AS _d{i}" for i, k in enumerate(_key_text(contract, column="_k_"))]
    return f"""SELECT {', '.join(keys)}, count(*) AS n
        FROM (SELECT {', '.join(cols)}, {alone} AS _k_alone FROM _file f) t
        WHERE t._k_alone IS NULL GROUP BY ALL HAVING count(*) > 1"""


def raw_record_sql(header: list[str], original: list[str]) -> str:
    """The raw record of a row as JSON: the header's names with the text as read (`_f_<name>`, see check_sql)."""
    pairs = ", ".join(f"{lit(o or h)}, t.{q('_f_' + h)}" for h, o in zip(header, original))
    return f"CASE WHEN t._malformed IS NULL THEN json_object({pairs}) ELSE t._malformed END"


def _problem_item(column: str, condition: str, reason: str, code: str) -> str:
    return f"CASE WHEN {condition} THEN {{'col': {lit(column)}, 'reason': {reason}, 'code': {lit(code)}}} END"


def _column_problems(contract: Contract, settings: LoadSettings) -> tuple[list[str], list[str], list[str]]:
    """(typed columns, problem items, problem conditions) of the contract's columns, in column order."""
    typed_cols, items, conditions = [], [], []
    for c in contract.columns:
        typed, problems = _typed_and_problems(c, settings)
        typed_cols.append(f"{typed} AS {q(c.name)}")
        for cond, reason, code in problems:
            cond, reason = (x.replace(TYPED, f"t.{q(c.name)}") for x in (cond, reason))
            conditions.append(cond)
            items.append(_problem_item(c.name, cond, reason, code))
    return typed_cols, items, conditions


def _rule_problems(contract: Contract, settings: LoadSettings) -> tuple[list[str], list[str], list[str]]:
    """(extra joins, problem items, problem conditions) of the contract's row rules (row_rules.py)."""
    joins, items, conditions = [], [], []
    for rule in contract.rules:
        rjoins, rproblems = RULES[rule](contract.source, settings)
        joins += rjoins
        for col, cond, reason, code in rproblems:
            conditions.append(cond)
            items.append(_problem_item(col, cond, reason, code))
    return joins, items, conditions


def _file_problems(contract: Contract, header: list[str]) -> list[str]:
    """The problems that stand before a row's values: an export adapter's own rejection (records.py, first and
    alone), a ragged row, a natural key this file holds more than once."""
    key_shown = " || ',' || ".join(f"coalesce(t.{q('_v_' + k)}, '')" for k in contract.natural_key)
    dup_reason = (f"'duplicate key ' || {key_shown} || ' occurs ' || t._key_count || ' times in this file "
                  f"({', '.join(contract.natural_key)}): keep one row per key'")
    malformed_reason = ("'malformed row: ' || t._nfields || ' fields where the header has "
                        f"{len(header)}; check quoting and delimiters on this line'")
    return [
        "CASE WHEN t._reject_code IS NOT NULL THEN {'col': coalesce(t._reject_col, ''), 'reason': t._reject_reason, "
        "'code': t._reject_code} END",
        f"CASE WHEN t._malformed IS NOT NULL THEN {{'col': '', 'reason': {malformed_reason}, 'code': 'malformed'}} END",
        f"CASE WHEN t._checkable AND t._key_count > 1 THEN {{'col': {lit(contract.natural_key[0])}, "
        f"'reason': {dup_reason}, 'code': 'duplicate_key'}} END",
    ]


def check_sql(contract: Contract, settings: LoadSettings, header: list[str], original: list[str] | None = None,
              ragged: bool = True, trimmed: bool = False, duplicates: bool = True) -> str:
    """One SELECT over _file giving, per row, the raw table's columns, the list of problems (NULL when none:
    then the rules run) and, for a rejected row, its raw record. `duplicates`: whether _dup_keys
    (duplicate_keys_sql) holds any key; `ragged` and `trimmed` as in _row_key_sql and _text_sql."""
    original = original or header
    texts = [f"{_text_sql(c.name, header, trimmed)} AS {q('_v_' + c.name)}" for c in contract.columns]
    raw_texts = [f"f.{q(h)} AS {q('_f_' + h)}" for h in header]
    extras = [h for h in header if h not in contract.column_names]
    extra_json = ("json_object(" + ", ".join(f"{lit(h)}, f.{q(h)}" for h in extras) + ")") if extras else "NULL"
    row_key_cols, alone = _row_key_sql(contract, header, ragged, trimmed)
    key_cols = _key_text(contract, column="_k_")
    dup_join = ("LEFT JOIN _dup_keys d ON t._k_alone IS NULL AND " +
                " AND ".join(f"d._d{i} = {k}" for i, k in enumerate(key_cols))) if duplicates else ""
    joins, ref_cols = _reference_joins(contract, set(header))
    typed_cols, problem_items, problem_conditions = _column_problems(contract, settings)
    rule_joins, rule_items, rule_conditions = _rule_problems(contract, settings)

    all_items = ", ".join(_file_problems(contract, header) + [f"CASE WHEN t._checkable THEN {p} END" for p in problem_items])
    any_bad = " OR ".join(["t._malformed IS NOT NULL", "t._reject_code IS NOT NULL",
                           "(t._checkable AND t._key_count > 1)"] +
                          [f"(t._checkable AND coalesce({cond}, false))" for cond in problem_conditions])
    rule_bad = " OR ".join(f"coalesce({cond}, false)" for cond in rule_conditions) or "false"
    raw_names = [c.name for c in contract.columns] + \
        [f"_{c.type}_id" for c in contract.columns if c.type in ("participant", "coach")]
    return f"""
    WITH t AS (
        SELECT f._row, f._seq, f._malformed, f._nfields, f._reject_code, f._reject_col, f._reject_reason,
               f._member_of, f._count_only,
               (f._malformed IS NULL AND f._reject_code IS NULL AND f._member_of IS NULL
                AND f._count_only IS NOT TRUE) AS _checkable, {', '.join(texts)}, {', '.join(row_key_cols)},
               {alone} AS _k_alone, {extra_json} AS _extra_json, {', '.join(raw_texts)}
        FROM _file f
    ), t2 AS (
        SELECT t.*, {'coalesce(d.n, 1)' if duplicates else '1'} AS _key_count FROM t {dup_join}
    ), r AS (
        SELECT t.*, {', '.join(ref_cols)} FROM t2 t {' '.join(joins)}
    ), x AS (
        SELECT t.*, {', '.join(typed_cols)} FROM r t
    ), p AS (
        SELECT t.*, CASE WHEN {any_bad} THEN list_filter([{all_items}], lambda e: e IS NOT NULL) END AS _problems
        FROM x t
    ), c AS (
        SELECT x.* REPLACE (coalesce(x._problems, CASE WHEN x._checkable AND ({rule_bad})
            THEN list_filter([{', '.join(rule_items) if rule_items else 'NULL'}], lambda e: e IS NOT NULL) END)
            AS _problems)
        FROM p x {' '.join(rule_joins)}
    )
    SELECT t._row, t._seq, t._member_of, t._count_only, {', '.join(f't.{q(n)}' for n in raw_names)}, t._extra_json,
           t._problems,
           CASE WHEN t._problems IS NOT NULL OR t._member_of IS NOT NULL THEN {raw_record_sql(header, original)}
           END AS _raw_record
    FROM c t
    """


# --- loading --------------------------------------------------------------------

def _source_files(folder: Path, log) -> list[Path]:
    """The folder's files in ascending code-point order of name (docs/loading.md)."""
    if not folder.is_dir():
        log(f"  {folder.name}: no folder {folder} (0 rows)")
        return []
    return sorted((p for p in folder.iterdir() if p.is_file()), key=lambda p: p.name)


def _is_table_file(path: Path) -> bool:
    return path.suffix.lower() in TABLE_EXTENSIONS and not path.name.startswith(".")


def _accepted_target(con, contract: Contract, files: list[Path]) -> str:
    """Where accepted rows go: straight into the raw table when at most one file can contribute (no later file
    can win over it), else into _accepted, from which _keep_latest_rows builds the raw table."""
    ddl = raw_columns_ddl(contract)
    if sum(_is_table_file(p) for p in files) <= 1:
        con.execute(f"CREATE OR REPLACE TABLE raw.{q(contract.source)} ({ddl})")
        return f"raw.{q(contract.source)}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE _accepted ({ddl}, _file_order INTEGER)")
    return "_accepted"


def _file_result(source: str, path: Path, loaded_at: dt.datetime, previous_loaded_at: dict) -> FileResult:
    rel = f"{source}/{path.name}"
    digest = sha256_of(path)
    return FileResult(rel, digest, source, loaded_at=previous_loaded_at.get((rel, digest), loaded_at))


def _open_file(source: str, path: Path, contract: Contract, exports: ExportContext, fr: FileResult):
    """The file as a TableFile (a vendor export mapped onto the contract, or a plain table), its header checked
    against the contract; FileError says why it cannot be loaded."""
    table_file = open_export(source, path, fr.path, exports) or open_table(path)
    missing = [c for c in contract.required if c not in table_file.header]
    dups = [d for d in duplicated_columns(table_file.original_header) if d in contract.column_names]
    if dups:
        raise FileError(f"column {', '.join(dups)} appears more than once in the header: keep one")
    if missing:
        raise FileError(missing_columns_message(missing, table_file.original_header))
    if table_file.adapter:
        fr.message = "; ".join(filter(None, [f"read as a {table_file.adapter} export", table_file.note]))
    return table_file


def _stage_file(con, path: Path, table_file) -> Staged:
    """Stage the rows as _file: DuckDB reads a CSV file that the layout scan proves plain, the general reader the rest."""
    if (path.suffix.lower() == ".csv" and not table_file.adapter
            and not duplicated_columns(table_file.original_header)):
        layout = plain_csv_layout(path, table_file.encoding, table_file.delimiter)
        if layout is not None:
            table_file.batches.close()
            return stage_plain_csv(con, path, table_file, layout)
    return stage_batches(con, table_file)


def check_rows(con, contract: Contract, settings: LoadSettings, staged: Staged, adapter: bool) -> int:
    """Check every row of _file into _checked (see check_sql); returns the number of rows read."""
    args = dict(ragged=staged.ragged, trimmed=staged.trimmed)
    con.execute("CREATE OR REPLACE TEMP TABLE _dup_keys AS " + duplicate_keys_sql(contract, staged.header, **args))
    duplicates = con.execute("SELECT count(*) FROM _dup_keys").fetchall()[0][0] > 0
    # the lookups are the build side of every reference join: DuckDB cannot estimate a CSV file's rows and
    # would otherwise build its hash table on the (large) file instead
    con.execute("SET disabled_optimizers = 'build_side_probe_side'")
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _checked AS " + check_sql(
            contract, settings, staged.header, staged.original_header, duplicates=duplicates, **args))
    finally:
        con.execute("RESET disabled_optimizers")
    if adapter:  # a further row of an export record shares its verdict (records.py)
        con.execute("""UPDATE _checked SET _problems = p._problems FROM _checked p
                       WHERE _checked._member_of = p._seq""")
    rows = con.execute("SELECT count(*) FROM _checked").fetchall()[0][0]
    if staged.plain_lines is not None and rows != staged.plain_lines:
        raise RuntimeError(f"fast CSV path read {rows} records where the scan found {staged.plain_lines} lines")
    return rows


def _in_file_order(con) -> bool:
    """Whether _checked already holds its rows in file order (_seq is 1..n, so the k-th row stored must be
    record k): then a scan without ORDER BY yields file order (insertion order is preserved) and no sort is needed."""
    if not con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]:
        return False
    return con.execute("SELECT count(*) = 0 FROM (SELECT _seq, row_number() OVER () AS k FROM _checked) "
                       "WHERE _seq <> k").fetchall()[0][0]


def _store_checked(con, contract: Contract, fr: FileResult, target: str, order: int) -> None:
    """Append the accepted rows (typed, with provenance, in file order: the same raw table every run) to the
    target and the rejected ones to quarantine.rejected_rows."""
    raw_names = [c.name for c in contract.columns] + \
        [f"_{c.type}_id" for c in contract.columns if c.type in ("participant", "coach")]
    file_order = ", ?" if target == "_accepted" else ""
    params = [fr.path, fr.sha256, fr.loaded_at] + ([order] if file_order else [])
    con.execute(f"""INSERT INTO {target} SELECT {', '.join(q(n) for n in raw_names)}, _extra_json, ?, _row, ?, ?
                    {file_order} FROM _checked
                    WHERE _problems IS NULL AND _member_of IS NULL AND _count_only IS NOT TRUE
                    {'' if _in_file_order(con) else 'ORDER BY _seq'}""", params)
    con.execute("""INSERT INTO quarantine.rejected_rows
        SELECT ?, ?, ?, c._row, c._problems[1].col, c._problems[1].code, c._problems[1].reason,
               CASE WHEN len(c._problems) > 1 THEN array_to_string(
                    list_transform(c._problems[2:], lambda e: e.col || ': ' || e.reason), '; ') END,
               c._raw_record, ?
        FROM _checked c WHERE c._problems IS NOT NULL ORDER BY c._row, c._seq""",
                [contract.source, fr.path, fr.sha256, fr.loaded_at])
    fr.rows_rejected = con.execute("SELECT count(*) FROM _checked WHERE _problems IS NOT NULL").fetchall()[0][0]
    fr.rows_loaded = fr.rows_read - fr.rows_rejected


def _drop_file_tables(con) -> None:
    for sql in ("DROP TABLE IF EXISTS _checked", "DROP TABLE IF EXISTS _dup_keys", "DROP VIEW IF EXISTS _file",
                "DROP TABLE IF EXISTS _rows"):
        con.execute(sql)


def load_file(con, contract: Contract, settings: LoadSettings, path: Path, fr: FileResult, exports: ExportContext,
              target: str, order: int):
    """Read, check and store one file; returns its TableFile, or None when it failed or was skipped (fr says why)."""
    if not _is_table_file(path):
        fr.status = "skipped"
        fr.message = f"not a table file ({path.suffix or 'no extension'}); use .csv, .tsv, .xlsx or .parquet"
        return None
    try:
        table_file = _open_file(contract.source, path, contract, exports, fr)
        staged = _stage_file(con, path, table_file)
        fr.rows_read = check_rows(con, contract, settings, staged, bool(table_file.adapter))
    except FileError as exc:
        fr.status, fr.message = "failed", str(exc)
        return None
    except (UnicodeDecodeError, OSError) as exc:
        fr.status, fr.message = "failed", f"the file cannot be read: {exc}"
        return None
    finally:
        con.execute("DROP VIEW IF EXISTS _file")
    if fr.rows_read == 0:
        fr.message = "; ".join(filter(None, [fr.message, "warning: the file has a header but no data rows"]))
    _store_checked(con, contract, fr, target, order)
    _drop_file_tables(con)
    return table_file


def _add_note(fr: FileResult, note: str) -> None:
    fr.message = f"{fr.message}; {note}" if fr.message else note


def _keep_latest_rows(con, contract: Contract, result: SourceResult) -> None:
    """raw.<source> from _accepted: per natural key the row of the file loaded last, in file order; the files
    whose rows a later file replaced get a note."""
    source = contract.source
    key = ", ".join(q(k) for k in contract.natural_key)
    contributing = con.execute("SELECT count(DISTINCT _file_order) FROM _accepted").fetchall()[0][0]
    if contributing <= 1:  # keys are unique within one file: nothing to choose
        con.execute("ALTER TABLE _accepted DROP COLUMN _file_order")
        con.execute(f"CREATE OR REPLACE TABLE raw.{q(source)} AS SELECT * FROM _accepted")
        con.execute("DROP TABLE _accepted")
        return
    con.execute(f"CREATE OR REPLACE TABLE raw.{q(source)} AS SELECT * EXCLUDE (_file_order) FROM _accepted "
                f"QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY _file_order DESC, _source_row) = 1 "
                f"ORDER BY _file_order, _source_row, {key}")  # a window reorders rows: restore
    # counted per file, not matched by row: one export line can give several rows (a wide survey)
    superseded = dict(con.execute(f"""
        SELECT a._source_file, a.n - coalesce(r.n, 0) FROM
          (SELECT _source_file, count(*) AS n FROM _accepted GROUP BY 1) a
          LEFT JOIN (SELECT _source_file, count(*) AS n FROM raw.{q(source)} GROUP BY 1) r USING (_source_file)
        """).fetchall())
    con.execute("DROP TABLE _accepted")
    for fr in result.files:
        if superseded.get(fr.path):
            _add_note(fr, f"{superseded[fr.path]} loaded rows replaced by a later file with the same key")


def _merge_attendance(con, source: str, result: SourceResult, attendance_files: list[str]) -> None:
    """Attended sessions that are the same meeting as a booking are merged into it (exports/merge.py)."""
    if not attendance_files:
        return
    for rel, n in merge_booked_and_attended(con, f"raw.{q(source)}", attendance_files).items():
        fr = next(f for f in result.files if f.path == rel)
        _add_note(fr, f"{n} attended session{'s are' if n > 1 else ' is'} the same meeting as a booking and merged into it")


def _write_manifest(con, result: SourceResult) -> None:
    for fr in result.files:
        con.execute("INSERT INTO raw.file_manifest VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [fr.path, fr.sha256, fr.source, fr.rows_read, fr.rows_loaded, fr.rows_rejected,
                     fr.status, fr.message, fr.loaded_at])


def load_source(con: duckdb.DuckDBPyConnection, contract: Contract, landing: Path, settings: LoadSettings,
                loaded_at: dt.datetime, previous_loaded_at: dict | None = None, log=print) -> SourceResult:
    """Load every file of one source folder; returns the manifest rows it wrote."""
    source = contract.source
    result = SourceResult(source)
    files = _source_files(Path(landing) / source, log)
    _session_helpers(con)
    build_lookups(con, settings)
    target = _accepted_target(con, contract, files)
    exports = ExportContext(Path(landing), settings.as_of, settings.timezone, con)
    attendance_files: list[str] = []
    for order, path in enumerate(files):
        fr = _file_result(source, path, loaded_at, previous_loaded_at or {})
        result.files.append(fr)
        table_file = load_file(con, contract, settings, path, fr, exports, target, order)
        if table_file is not None and table_file.family == "attendance":
            attendance_files.append(fr.path)
    if target == "_accepted":
        _keep_latest_rows(con, contract, result)
    _merge_attendance(con, source, result, attendance_files)
    result.rows_in_raw = con.execute(f"SELECT count(*) FROM raw.{q(source)}").fetchall()[0][0]
    _write_manifest(con, result)
    return result
