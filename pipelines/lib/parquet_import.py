"""Tables another engine (Spark) wrote as Parquet folders, copied into the DuckDB warehouse file.

After a Spark build the marts live in Spark's warehouse folder (<spark-warehouse>/marts.db/<table>/);
the published warehouse must hold them in schema `marts`, exactly where a DuckDB build puts them,
so the pages and everything downstream read one file whichever engine built it.
"""
from __future__ import annotations

from pathlib import Path

import duckdb


def import_tables(con: duckdb.DuckDBPyConnection, folder: Path, schema: str, tables: list[str]) -> None:
    """CREATE OR REPLACE TABLE <schema>.<table> from <folder>/<table>/*.parquet for every table, in file order."""
    con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    for table in tables:
        files = Path(folder) / table
        if not any(files.glob("*.parquet")):
            raise FileNotFoundError(f"{files}: no Parquet file; the engine did not build {schema}.{table}")
        pattern = str(files / "*.parquet").replace("'", "''")
        con.execute(f'CREATE OR REPLACE TABLE "{schema}"."{table}" AS '
                    f"SELECT * FROM read_parquet('{pattern}')")
