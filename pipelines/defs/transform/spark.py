"""The steps around a dbt build on Spark (engine = "spark"), in the refresh's own folder.

Before the build: the loaded raw.* and quarantine.* tables are written as Parquet, and the
environment of the dbt process points Spark at a folder of this refresh
(<warehouse>.refresh-<run>.spark/: Parquet sources, Derby metastore, Spark's tables), so two
refreshes never share a metastore and an interrupted one is swept away by the next
(Workspace.reset). After the build: the marts Spark wrote are copied into schema `marts` of the
refresh's DuckDB file, and the staging views the pages join to are created there by dbt on
DuckDB (rename-only views over the same raw tables), so everything downstream is unchanged.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from pipelines.lib.parquet_export import export_tables
from pipelines.lib.parquet_import import import_tables

SPARK_TARGET = "spark"
DUCKDB_TARGET = "dev"


def spark_folder(work_warehouse: Path) -> Path:
    """The refresh's Spark folder, beside (and named after) its new warehouse file."""
    return Path(f"{work_warehouse}.spark")


def spark_environment(folder: Path) -> dict[str, str]:
    """Variables for the dbt process (profiles.yml, on-run-start hook) and the JVM it starts."""
    return {
        "COACHLENS_SPARK_DIR": str(folder),
        "COACHLENS_RAW_PARQUET_DIR": str(folder / "parquet"),
        "SPARK_LOCAL_IP": "127.0.0.1",
    }


def export_sources(con, folder: Path) -> list[str]:
    """Write the loaded tables as Parquet where the Spark hook registers them; a fresh folder each time."""
    shutil.rmtree(folder, ignore_errors=True)
    return export_tables(con, folder / "parquet")


def mart_names(manifest_path: Path) -> list[str]:
    """The models dbt builds as tables in schema `marts`, from the manifest."""
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    return sorted(node["name"] for node in manifest["nodes"].values()
                  if node["resource_type"] == "model" and node["config"].get("schema") == "marts"
                  and node["config"].get("materialized") == "table")


def import_marts(con, folder: Path, names: list[str]) -> None:
    """Copy the marts Spark built (<folder>/spark-warehouse/marts.db/<name>/) into schema `marts`."""
    import_tables(con, folder / "spark-warehouse" / "marts.db", "marts", names)
