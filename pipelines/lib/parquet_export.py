"""The loaded tables as Parquet, for an engine that cannot read the DuckDB file (Spark).

After the loader's contract pass, every table of `raw`, `quarantine` and `audit` is written to
<folder>/<schema>/<table>/data.parquet; dbt's on-run-start hook on Spark registers each
folder as the source table of the same name (dbt_project/macros/engine/register_raw_parquet.sql).
Timestamps are written as TIMESTAMP_MICROS (adjusted to UTC), which Spark reads as instants.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

EXPORTED_SCHEMAS = ("raw", "quarantine", "audit")


def _tables(con: duckdb.DuckDBPyConnection, schemas) -> list[tuple[str, str]]:
    """(schema, table) of every base table of `schemas`, internal ones (leading underscore) left out."""
    marks = ", ".join("?" for _ in schemas)
    rows = con.execute(f"""SELECT table_schema, table_name FROM information_schema.tables
                           WHERE table_schema IN ({marks}) AND table_type = 'BASE TABLE'
                             AND NOT starts_with(table_name, '_')
                           ORDER BY table_schema, table_name""", list(schemas)).fetchall()
    return [(s, t) for s, t in rows]


def _select_list(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> str:
    """Every column, JSON as text and nanosecond timestamps as microseconds (what Spark reads)."""
    columns = con.execute("""SELECT column_name, data_type FROM information_schema.columns
                             WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position""",
                          [schema, table]).fetchall()
    out = []
    for name, data_type in columns:
        quoted = '"' + name.replace('"', '""') + '"'
        if data_type == "JSON":
            out.append(f"CAST({quoted} AS VARCHAR) AS {quoted}")
        elif data_type == "TIMESTAMP_NS":
            out.append(f"CAST({quoted} AS TIMESTAMP) AS {quoted}")
        else:
            out.append(quoted)
    return ", ".join(out)


def export_tables(con: duckdb.DuckDBPyConnection, folder: Path, schemas=EXPORTED_SCHEMAS) -> list[str]:
    """Write each table of `schemas` as <folder>/<schema>/<table>/data.parquet; return 'schema.table' names."""
    written = []
    for schema, table in _tables(con, schemas):
        target = Path(folder) / schema / table
        target.mkdir(parents=True, exist_ok=True)
        path = str(target / "data.parquet").replace("'", "''")
        con.execute(f'COPY (SELECT {_select_list(con, schema, table)} FROM "{schema}"."{table}") '
                    f"TO '{path}' (FORMAT parquet)")
        written.append(f"{schema}.{table}")
    return written
