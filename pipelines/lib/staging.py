"""A file's rows as the view `_file` that the loader's checks read: one row per record with its row number
(`_row`), its number in file order (`_seq`), its field count and, for a ragged record, its fields as JSON
(`_malformed`), an export adapter's verdict columns, and one text column per header name.

A plain CSV file (fast_csv.py) is read by DuckDB itself each time _file is queried; any other file goes
through the general reader (readers.py, exports/) into a temporary table.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from .fast_csv import PlainLayout
from .sql_text import lit, q

EXPORT_COLUMNS = ("_reject_code", "_reject_col", "_reject_reason", "_member_of", "_count_only")
NO_VERDICT = ("NULL::VARCHAR AS _reject_code, NULL::VARCHAR AS _reject_col, NULL::VARCHAR AS _reject_reason, "
              "NULL::BIGINT AS _member_of, NULL::BOOLEAN AS _count_only")


@dataclass
class Staged:
    """A file's rows as the view _file, and what the checks may assume about them."""
    header: list[str]
    original_header: list[str]
    rows: int | None = None         # records read (None until counted: a plain file is counted by its check)
    plain_lines: int | None = None  # a plain file: the records its layout scan counted
    trimmed: bool = False           # every field is already trimmed and empty fields are NULL

    @property
    def ragged(self) -> bool:
        return self.plain_lines is None


def _verdicts(batch) -> list:
    """The export adapter's verdict columns of a batch (records.py); all NULL for plain records."""
    n = len(batch)
    if not any(hasattr(r, "reject_code") for r in batch):
        return [pa.nulls(n, pa.string())] * 3 + [pa.nulls(n, pa.int64()), pa.nulls(n, pa.bool_())]
    return [pa.array([r.reject_code for r in batch], pa.string()),
            pa.array([r.reject_column for r in batch], pa.string()),
            pa.array([r.reject_reason for r in batch], pa.string()),
            pa.array([r.member_of for r in batch], pa.int64()),
            pa.array([r.count_only or None for r in batch], pa.bool_())]


def stage_plain_csv(con, path: Path, table_file, layout: PlainLayout) -> Staged:
    """_file reads the whole file with DuckDB (quoting off) each time it is queried, numbering records in file
    order: record k is line k + 1. Nothing is copied: the checks read the file itself."""
    header = table_file.header
    con.execute(f"""CREATE OR REPLACE TEMP VIEW _file AS
        SELECT _seq + 1 AS _row, _seq, {len(header)} AS _nfields, NULL::VARCHAR AS _malformed, {NO_VERDICT},
               {", ".join(q(h) for h in header)}
        FROM (SELECT row_number() OVER () AS _seq, * FROM read_csv({lit(str(path))},
            header = true, delim = {lit(table_file.delimiter)}, quote = '', escape = '', strict_mode = true,
            null_padding = false, auto_detect = false,
            columns = {{{", ".join(f"{lit(h)}: 'VARCHAR'" for h in header)}}}))""")
    return Staged(header, table_file.original_header, plain_lines=layout.lines, trimmed=layout.trimmed)


def stage_batches(con, table_file) -> Staged:
    """_file is a temporary table of the general reader's records (any layout, ragged rows as JSON)."""
    header = table_file.header
    width = len(header)
    con.execute("CREATE OR REPLACE TEMP TABLE _rows (_row BIGINT, _seq BIGINT, _nfields INTEGER, _malformed VARCHAR, "
                "_reject_code VARCHAR, _reject_col VARCHAR, _reject_reason VARCHAR, _member_of BIGINT, "
                "_count_only BOOLEAN, " + ", ".join(f"{q(h)} VARCHAR" for h in header) + ")")
    con.execute("CREATE OR REPLACE TEMP VIEW _file AS SELECT * FROM _rows")
    total = 0
    for batch in table_file.batches:
        rows = [r.row for r in batch]
        well_formed = all(len(r.fields) == width for r in batch)
        if well_formed:
            columns = list(zip(*[r.fields for r in batch])) if width else []
            nfields = [width] * len(batch)
            malformed = [None] * len(batch)
        else:
            columns = [[r.fields[i] if len(r.fields) == width else None for r in batch] for i in range(width)]
            nfields = [len(r.fields) for r in batch]
            malformed = [None if len(r.fields) == width else json.dumps({"fields": r.fields}, ensure_ascii=False)
                         for r in batch]
        seqs = pa.array(range(total + 1, total + len(batch) + 1), pa.int64())  # a record's own number
        arrays = [pa.array(rows, pa.int64()), seqs, pa.array(nfields, pa.int32()), pa.array(malformed, pa.string())]
        arrays += _verdicts(batch) + [pa.array(col, pa.string()) for col in columns]
        arrow = pa.Table.from_arrays(arrays, names=["_row", "_seq", "_nfields", "_malformed", *EXPORT_COLUMNS] + header)
        con.register("_batch", arrow)
        con.execute("INSERT INTO _rows SELECT * FROM _batch")
        con.unregister("_batch")
        total += len(batch)
    return Staged(header, table_file.original_header, rows=total)
