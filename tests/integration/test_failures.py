"""A failed refresh is seen where programme leads look (README, "When a refresh fails"): its manifest, quarantine and an operations
page with the failure at the top are published; the last good marts, sponsor and finance pages stay as they were;
the command exits non-zero. The eight bad-input cases are files dropped next to good ones."""
from __future__ import annotations

import hashlib
import html
import re
import shutil

import duckdb
import pytest

from tests.conftest import query, refresh
from tests.integration.loading import write_landing

pytestmark = pytest.mark.e2e

SESSIONS_HEADER = "session_id,participant,coach,scheduled_start,duration_minutes,status\n"

# name, file name, bytes, what the manifest message must say (the problem and what to do about it)
BAD_FILES = [
    ("empty", "zz_bad.csv", b"", "the file is empty (0 bytes): export it again"),
    ("blank_lines", "zz_bad.csv", b"\n\n   \n\r\n", "the file is empty (no header line): export it again with a header row"),
    ("binary", "zz_bad.csv", bytes(range(256)) * 4, "the file holds binary data, not text: export it again as CSV"),
    ("prose", "zz_bad.csv", b"Dear team,\nplease find the March sessions attached.\nRegards, Ann\n",
     "missing required columns session_id, participant, coach, scheduled_start, duration_minutes, status: "
     "export it again with these columns"),
    ("json", "zz_bad.csv", b'[{"session_id": "S1", "participant": "P1", "status": "completed"}]\n',
     "missing required columns session_id, participant, coach, scheduled_start, duration_minutes, status: "
     "the file holds JSON, not a table: export it again as CSV or .xlsx"),
    ("pipe_delimited", "zz_bad.csv",
     b"session_id|participant|coach|scheduled_start|duration_minutes|status\nS1|P1|K1|2026-01-05 10:00|60|completed\n",
     "missing required columns session_id, participant, coach, scheduled_start, duration_minutes, status: "
     "the file is separated by '|': export it again as CSV separated by commas, semicolons or tabs"),
    ("corrupt_xlsx", "zz_bad.xlsx", b"PK\x03\x04" + b"\x00garbage, not a workbook" * 20,
     "the file is not an Excel workbook (.xlsx): save it again as .xlsx or CSV"),
    ("missing_required_column", "zz_bad.csv",
     b"session_id,participant,coach,scheduled_start,duration_minutes\nS1,P1,K1,2026-01-05 10:00,60\n",
     "missing required column status: export it again with this column"),
]
# one file that is read, with one row rejected: shows the published quarantine is this run's
REJECTED_ROW = SESSIONS_HEADER + "ZZ1,P-none,K-none,2026-01-05 10:00,60,finished\n"


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def kept_pages(site):
    """Everything but the operations page: sponsor pages, finance, index."""
    return {str(p.relative_to(site)): sha(p) for p in sorted(site.rglob("*"))
            if p.is_file() and p.name != "operations.html"}


def all_marts(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_schema = 'marts' ORDER BY 1").fetchall()]
        return {n: con.execute(f"SELECT * FROM marts.{n} ORDER BY ALL").fetchall() for n in names}
    finally:
        con.close()


def page_text(path):
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"<script>.*?</script>|<style>.*?</style>", "", text, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)))


@pytest.fixture(scope="module")
def failed(refreshed, tmp_path_factory):
    """A good refresh (a copy of the session's), then one refresh with all eight bad files dropped in sessions/
    (zz_<case>.<ext>) and a file with one rejected row. Returns the state before and after, and the command."""
    tmp = tmp_path_factory.mktemp("failures")
    out = tmp / "out"
    out.mkdir()
    shutil.copy(refreshed.warehouse, out / "warehouse.duckdb")
    shutil.copytree(refreshed.site, out / "site")
    landing = tmp / "landing"
    shutil.copytree(refreshed.landing, landing)
    before = {"pages": kept_pages(out / "site"), "marts": all_marts(out / "warehouse.duckdb"),
              "run": query(out / "warehouse.duckdb", "SELECT run_id, started_at FROM raw.refresh_run")}
    for name, file_name, content, _ in BAD_FILES:
        (landing / "sessions" / file_name.replace("bad", name)).write_bytes(content)
    (landing / "sessions" / "zz_rows.csv").write_text(REJECTED_ROW, encoding="utf-8")
    proc = refresh(landing, out, check=False)
    return out, before, proc


@pytest.mark.parametrize("name, file_name, content, message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_each_bad_file_is_published_as_failed_with_what_to_fix(failed, name, file_name, content, message):
    out, _, proc = failed
    bad = f"sessions/{file_name.replace('bad', name)}"
    assert f"{bad}: {message}" in proc.stderr
    [row] = query(out / "warehouse.duckdb", "SELECT rows_read, rows_loaded, status, message FROM raw.file_manifest "
                                            "WHERE path = ?", [bad])
    assert (row["rows_read"], row["rows_loaded"], row["status"]) == (0, 0, "failed")
    assert row["message"].startswith(message)
    ops = page_text(out / "site" / "operations.html")
    top = ops.index("What to fix")
    assert ops.index(f"{bad}: {message}", top) < ops.index("Files of this refresh")


def test_a_failed_refresh_publishes_its_manifest_quarantine_and_operations_page_and_keeps_the_rest(failed):
    out, before, proc = failed
    assert proc.returncode == 1, proc.stderr
    warehouse = out / "warehouse.duckdb"
    # the manifest published is this run's: exactly the eight bad files failed, the others were read
    assert len(query(warehouse, "SELECT path FROM raw.file_manifest WHERE status = 'failed'")) == len(BAD_FILES)
    assert query(warehouse, "SELECT rows_read, rows_loaded, rows_rejected, status FROM raw.file_manifest "
                            "WHERE path = 'sessions/zz_rows.csv'") == [
        {"rows_read": 1, "rows_loaded": 0, "rows_rejected": 1, "status": "ok"}]
    # so is the quarantine
    rejected = query(warehouse, "SELECT row_number, raw_record FROM quarantine.rejected_rows "
                                "WHERE file = 'sessions/zz_rows.csv'")
    assert [r["row_number"] for r in rejected] == [2] and "ZZ1" in rejected[0]["raw_record"]
    # the operations page opens with the failure
    ops = page_text(out / "site" / "operations.html")
    assert "The last refresh FAILED: 8 problem(s) to fix" in ops and "sessions/zz_rows.csv" in ops
    assert ops.index("The last refresh FAILED") < ops.index("What to fix") < ops.index("Files of this refresh")
    # the last good marts, sponsor and finance pages (and the record of the good refresh) are untouched
    assert kept_pages(out / "site") == before["pages"]
    assert all_marts(warehouse) == before["marts"]
    assert query(warehouse, "SELECT run_id, started_at FROM raw.refresh_run") == before["run"]
    assert not [p.name for p in out.iterdir() if ".refresh-" in p.name]


def test_first_run_that_fails_publishes_the_manifest_and_quarantine_and_no_marts(tmp_path):
    landing = write_landing(tmp_path / "landing")
    (landing / "sessions" / "zz_bad.csv").write_bytes(BAD_FILES[-1][2])
    (landing / "sessions" / "zz_rows.csv").write_text(REJECTED_ROW, encoding="utf-8")
    out = tmp_path / "out"
    proc = refresh(landing, out, check=False)
    assert proc.returncode == 1, proc.stderr
    warehouse = out / "warehouse.duckdb"
    tables = query(warehouse, "SELECT table_schema || '.' || table_name AS t FROM information_schema.tables ORDER BY 1")
    assert [t["t"] for t in tables] == ["audit.failed_refresh", "quarantine.rejected_rows", "raw.file_manifest"]
    manifest = query(warehouse, "SELECT path, status FROM raw.file_manifest ORDER BY path")
    assert {"path": "sessions/zz_bad.csv", "status": "failed"} in manifest
    good = len(list(landing.glob("*/*.csv"))) - 2
    assert len(manifest) == good + 2  # every good file, the bad one and the one with a rejected row
    assert [r["file"] for r in query(warehouse, "SELECT file FROM quarantine.rejected_rows")] == ["sessions/zz_rows.csv"]
    site = out / "site"
    assert sorted(p.name for p in site.iterdir()) == ["index.html", "operations.html"]
    ops = page_text(site / "operations.html")
    assert "There is no good refresh yet" in ops and "sessions/zz_bad.csv: missing required column status" in ops
    assert "operations.html" in (site / "index.html").read_text(encoding="utf-8")


def test_sponsor_pages_say_when_they_were_last_refreshed_successfully(refreshed):
    started = query(refreshed.warehouse, "SELECT started_at FROM raw.refresh_run")[0]["started_at"]
    for page in (refreshed.site / "sponsors").glob("*.html"):
        assert f"last refreshed successfully {started:%Y-%m-%d %H:%M} UTC" in page_text(page)
