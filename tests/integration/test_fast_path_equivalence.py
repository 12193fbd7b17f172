"""A file the plain-CSV fast path reads (DuckDB's reader, file scanned as plain) and the same records through the
general reader (the file made non-plain by quoting one field, which the reader unquotes) give identical raw and
quarantine tables: the same rows in the same order, the same reasons, row numbers and other problems."""
from pipelines.lib.fast_csv import PlainLayout, plain_csv_layout
from tests.integration.loading import load, write_landing

SESSIONS_HEADER = "session_id,participant,coach,scheduled_start,duration_minutes,status,modality,cancelled_at\n"
MESSY_SESSIONS = [  # every kind of problem a sessions row can have, and values that only trimming makes valid
    "X1,P1,K1,2024-02-01 10:00,60,completed,video,",
    " X2 , p1@X.org ,K1,2024-02-01T10:00:00Z, 45 ,Completed,PHONE,",  # trimmed, mixed-case email and enum
    "X3,P3,K1,2024-02-01 10:00,60,completed,,",                          # P3's email is shared, the id is not
    "X4,shared@x.org,K1,2024-02-01 10:00,60,completed,,",               # an ambiguous email matches nobody
    "X5,P1,K9,2024-02-01 10:00,60,completed,,",                          # unknown coach
    "X6,P1,K1,2024-02-30 10:00,abc,done,,",                              # three problems: other_problems
    "X7,P1,K1,2024-08-01 10:00,60,completed,,",                          # completed after as_of (rule)
    "X8,P1,K1,2024-02-01 10:00,-5,no_show,,",                            # below the minimum
    "X1,P2,K2,2024-03-01 10:00,60,scheduled,,",                          # duplicate key of line 2
    "X9,,K1,,60,completed,,",                                            # required values missing
    "\u00a0X10\u00a0,P2,K1,2024-03-10 02:30,60,no_show,chat,",          # Unicode spaces trimmed; a DST gap
    "X11,P2,K1,2024-11-03 01:30:15.5+02:00,60,cancelled,,2024-11-01 09:00",
    "X 12,P2,k2@c.org,2024-02-01 10:00,1e2,late_cancelled,in_person,",
]
CLEAN_SESSIONS = ["X1,P1,K1,2024-02-01 10:00,60,completed,video,", "X2,P2,K2,2024-02-01T10:00:00Z,45,no_show,,",
                  "X3,P1,K9,2024-02-01 10:00,60,completed,,", "X3,P1,K1,2024-02-02 10:00,60,completed,,"]


def quote_first_field_of_line(lines: list[str], k: int) -> list[str]:
    fields = lines[k].split(",")
    fields[0] = '"' + fields[0] + '"'
    return lines[:k] + [",".join(fields)] + lines[k + 1:]


def tables(con) -> dict:
    return {
        "raw": con.execute("SELECT * EXCLUDE (_file_sha256) FROM raw.sessions").fetchall(),
        "quarantine": con.execute("SELECT * EXCLUDE (file_sha256) FROM quarantine.rejected_rows "
                                  "WHERE source = 'sessions'").fetchall(),
        "manifest": con.execute("SELECT rows_read, rows_loaded, rows_rejected, status, message "
                                "FROM raw.file_manifest WHERE source = 'sessions'").fetchall(),
    }


def layout(landing):
    return plain_csv_layout(landing / "sessions" / "sessions.csv", "utf-8", ",")


def load_sessions(tmp_path, name: str, lines: list[str]):
    return load(write_landing(tmp_path / name, {"sessions": SESSIONS_HEADER + "\n".join(lines) + "\n"}))


def test_the_fast_path_and_the_general_reader_give_the_same_tables(tmp_path):
    for lines, expect_rejected, trimmed in ((MESSY_SESSIONS, 8, False), (CLEAN_SESSIONS, 2, True)):
        fast = tables(load_sessions(tmp_path, f"fast{len(lines)}", lines))
        general = tables(load_sessions(tmp_path, f"general{len(lines)}", quote_first_field_of_line(lines, 2)))
        assert layout(tmp_path / f"fast{len(lines)}") == PlainLayout(len(lines), trimmed)  # the fast path ran
        assert layout(tmp_path / f"general{len(lines)}") is None  # the general reader ran
        assert fast == general
        assert fast["manifest"][0][:3] == (len(lines), len(lines) - expect_rejected, expect_rejected)


def test_the_messy_file_is_checked_as_by_hand(tmp_path):
    got = tables(load_sessions(tmp_path, "fast", MESSY_SESSIONS))
    reasons = {r[2]: (r[3], r[4], r[6]) for r in got["quarantine"]}  # row_number: column, code, other problems
    assert sorted(reasons) == [2, 5, 6, 7, 8, 9, 10, 11]
    assert reasons[2][:2] == reasons[10][:2] == ("session_id", "duplicate_key")
    assert reasons[5] == ("participant", "unknown_reference", None)
    assert reasons[6] == ("coach", "unknown_reference", None)
    assert reasons[7][:2] == ("scheduled_start", "bad_type")
    assert reasons[7][2].startswith("duration_minutes: ") and "; status: " in reasons[7][2]
    assert reasons[8][:2] == ("scheduled_start", "after_as_of")
    assert reasons[9][:2] == ("duration_minutes", "out_of_range")
    assert reasons[11][:2] == ("participant", "missing_required")
    loaded = {r[0]: r for r in got["raw"]}
    assert list(loaded) == ["X2", "X3", "X10", "X11", "X 12"]  # file order
    assert loaded["X2"][1:3] == ("p1@X.org", "K1") and loaded["X2"][8] == "P1"  # mixed-case email: P1
    assert loaded["X2"][5:7] == ("completed", "phone") and loaded["X2"][4] == 45
    assert loaded["X3"][8] == "P3" and loaded["X 12"][9] == "K2" and loaded["X 12"][4] == 100


def test_accepted_rows_skip_the_sort_only_when_checked_is_already_in_file_order():
    import duckdb

    from pipelines.lib.loader import _in_file_order

    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE _checked AS SELECT * FROM (VALUES (1), (2), (3)) v(_seq)")
    assert _in_file_order(con)
    con.execute("CREATE OR REPLACE TEMP TABLE _checked AS SELECT * FROM (VALUES (2), (1), (3)) v(_seq)")
    assert not _in_file_order(con)  # then the rows are inserted ORDER BY _seq
    con.execute("CREATE OR REPLACE TEMP TABLE _checked AS SELECT * FROM (VALUES (1), (2), (3)) v(_seq)")
    con.execute("SET preserve_insertion_order = false")  # a scan's order is no longer promised
    assert not _in_file_order(con)
