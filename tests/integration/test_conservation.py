"""Property: for any messy file, rows read = rows loaded + rows rejected, and every rejection has a reason."""
import csv
import io
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.loading import load, write_landing

HEADER = ["session_id", "participant", "coach", "scheduled_start", "duration_minutes", "status", "cancelled_at"]
cell = st.one_of(
    st.sampled_from(["X1", "P1", "p1@x.org", "K1", "K9", "2024-02-01 10:00", "2024-02-30 10:00", "60", "-1",
                     "completed", "Cancelled", "no_show", "", " ", "=1+1", "a,b", 'q"uote', "line\nbreak", "2031-01-01T00:00Z"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8),
)
row = st.lists(cell, min_size=5, max_size=9)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row, max_size=25), delimiter=st.sampled_from([",", ";", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
def test_rows_read_equals_loaded_plus_rejected(rows, delimiter, encoding):
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    text = buf.getvalue()
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    # independent count of the records a reader must see: csv module over the text, blank records skipped
    expected = sum(1 for r in csv.reader(io.StringIO(text), delimiter=delimiter)
                   if r and not (len(r) == 1 and not r[0].strip())) - 1
    root = Path(tempfile.mkdtemp())
    try:
        write_landing(root)
        (root / "sessions" / "sessions.csv").write_bytes(data)
        con = load(root)
        (read, loaded, rejected, status), = con.execute(
            "SELECT rows_read, rows_loaded, rows_rejected, status FROM raw.file_manifest WHERE source='sessions'").fetchall()
        assert status == "ok"
        assert read == expected
        assert read == loaded + rejected
        assert con.execute("SELECT count(*) FROM raw.sessions").fetchall()[0][0] == loaded
        assert con.execute("SELECT count(*) FROM quarantine.rejected_rows WHERE source='sessions' AND "
                           "(reason IS NULL OR reason = '' OR row_number IS NULL)").fetchall()[0][0] == 0
        assert con.execute("SELECT count(*) FROM quarantine.rejected_rows WHERE source='sessions'").fetchall()[0][0] == rejected
    finally:
        shutil.rmtree(root)
