"""Raw tables to Parquet for Spark, and Parquet folders back into the DuckDB file (pipelines/lib/parquet_*)."""
import datetime as dt

import duckdb
import pyarrow.parquet as pq
import pytest

from pipelines.lib.parquet_export import export_tables
from pipelines.lib.parquet_import import import_tables

UTC = dt.timezone.utc


def _warehouse(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA quarantine; CREATE SCHEMA staging")
    con.execute("CREATE TABLE raw.sessions (session_id VARCHAR, scheduled_start TIMESTAMPTZ, minutes INTEGER)")
    con.execute("INSERT INTO raw.sessions VALUES ('S1', '2026-03-29 00:30:00.123456+00', 50), ('S2', NULL, NULL)")
    con.execute("CREATE TABLE raw.refresh_run (run_id VARCHAR, settings JSON)")
    con.execute("""INSERT INTO raw.refresh_run VALUES ('r1', '{"min_group_size": 5}')""")
    con.execute("CREATE TABLE raw._previous_loaded_at (path VARCHAR)")
    con.execute("CREATE TABLE quarantine.rejected_rows (source VARCHAR, row_number BIGINT)")
    con.execute("CREATE TABLE staging.other (x INTEGER)")
    return con


def test_each_raw_and_quarantine_table_becomes_one_parquet_folder(tmp_path):
    con = _warehouse(tmp_path)
    written = export_tables(con, tmp_path / "parquet")
    assert written == ["quarantine.rejected_rows", "raw.refresh_run", "raw.sessions"]  # not _internal, not staging
    sessions = pq.read_table(tmp_path / "parquet" / "raw" / "sessions" / "data.parquet")
    field = sessions.schema.field("scheduled_start").type
    assert (field.unit, field.tz) == ("us", "UTC")          # TIMESTAMP_MICROS, adjusted to UTC
    assert sessions.to_pylist() == [
        {"session_id": "S1", "scheduled_start": dt.datetime(2026, 3, 29, 0, 30, 0, 123456, tzinfo=UTC), "minutes": 50},
        {"session_id": "S2", "scheduled_start": None, "minutes": None}]
    run = pq.read_table(tmp_path / "parquet" / "raw" / "refresh_run" / "data.parquet")
    assert str(run.schema.field("settings").type) == "string" and run.to_pylist()[0]["settings"] == '{"min_group_size": 5}'
    assert pq.read_table(tmp_path / "parquet" / "quarantine" / "rejected_rows" / "data.parquet").num_rows == 0


def test_parquet_folders_come_back_as_tables_in_file_order(tmp_path):
    con = _warehouse(tmp_path)
    export_tables(con, tmp_path / "parquet")
    folder = tmp_path / "parquet" / "raw"
    (folder / "sessions" / "data.parquet").rename(folder / "sessions" / "part-00001.parquet")
    con.execute(f"COPY (SELECT 'S0' AS session_id, NULL::TIMESTAMPTZ AS scheduled_start, 1 AS minutes) "
                f"TO '{folder / 'sessions' / 'part-00000.parquet'}' (FORMAT parquet)")
    import_tables(con, folder, "marts", ["sessions"])
    assert con.execute("SELECT session_id FROM marts.sessions").fetchall() == [("S0",), ("S1",), ("S2",)]
    assert con.execute("SELECT data_type FROM information_schema.columns WHERE table_schema = 'marts' "
                       "AND column_name = 'scheduled_start'").fetchall() == [("TIMESTAMP WITH TIME ZONE",)]


def test_a_missing_table_is_an_error_naming_it(tmp_path):
    con = _warehouse(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"marts\.cohort_costs"):
        import_tables(con, tmp_path / "nowhere", "marts", ["cohort_costs"])
