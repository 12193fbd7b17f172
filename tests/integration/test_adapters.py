"""A Calendly export lands in sessions through its adapter: bookings give scheduled/completed/cancelled/no-show."""
from tests.integration.loading import load, manifest, rejections, write_landing

CALENDLY = (
    "Invitee Name,Invitee Email,Invitee Time Zone,Event Type Name,Start Date & Time,End Date & Time,Location,"
    "Canceled,Marked as No-Show,User Name,User Email,Event UUID,Invitee UUID,Question 1,Response 1,Meeting Notes\n"
    "Pat One,p1@x.org,Eastern Time - US & Canada,Coaching,2024-02-05 09:30 am,2024-02-05 10:30 am,Zoom,false,false,"
    "Kim,k1@c.org,EV-1,INV-1,What to work on?,My manager and I disagree,Confidential note\n"
    "Pat Two,P2@X.org,Eastern Time - US & Canada,Coaching,2024-02-06 01:00 pm,2024-02-06 01:45 pm,Zoom,true,false,"
    "Kim,k1@c.org,EV-2,INV-2,,,\n"
    "Pat One,p1@x.org,Eastern Time - US & Canada,Coaching,2024-02-19 09:30 am,2024-02-19 10:30 am,Phone call,false,"
    "Yes,Kim,k1@c.org,EV-3,INV-3,,,\n"
    "Nobody,nobody@x.org,Eastern Time - US & Canada,Coaching,2024-02-20 09:30 am,2024-02-20 10:30 am,Zoom,false,"
    "false,Kim,k1@c.org,EV-4,INV-4,,,\n"
    "Pat One,p1@x.org,Eastern Time - US & Canada,Coaching,2024-07-01 12:30 am,2024-07-01 01:00 am,Zoom,false,false,"
    "Kim,k1@c.org,EV-5,INV-5,,,\n"
    "Pat One,p1@x.org,Eastern Time - US & Canada,Coaching,2024-07-01 12:30 pm,2024-07-01 01:00 pm,Zoom,false,false,"
    "Kim,k1@c.org,EV-6,INV-6,,,\n"
)


def test_calendly_export_loads_as_sessions(tmp_path):
    root = write_landing(tmp_path)
    (root / "sessions" / "zz_calendly_export.csv").write_text(CALENDLY, encoding="utf-8")
    con = load(root)  # as_of 2024-06-30, configured zone UTC: the export states no zone
    rows = con.execute("""SELECT session_id, _participant_id, _coach_id, duration_minutes, status, modality,
                          strftime(scheduled_start, '%Y-%m-%d %H:%M'), _source_row FROM raw.sessions
                          WHERE _source_file LIKE '%calendly%' ORDER BY session_id""").fetchall()
    assert rows == [("INV-1", "P1", "K1", 60.0, "completed", "video", "2024-02-05 09:30", 2),
                    ("INV-2", "P2", "K1", 45.0, "cancelled", "video", "2024-02-06 13:00", 3),
                    ("INV-3", "P1", "K1", 60.0, "no_show", "phone", "2024-02-19 09:30", 4),
                    # 00:30 UTC on 1 July is still 30 June on P1's cohort calendar (New York): past, completed
                    ("INV-5", "P1", "K1", 30.0, "completed", "video", "2024-07-01 00:30", 6),
                    ("INV-6", "P1", "K1", 30.0, "scheduled", "video", "2024-07-01 12:30", 7)]
    rej = con.execute("SELECT row_number, column_name, reason_code, reason FROM quarantine.rejected_rows "
                      "WHERE file LIKE '%calendly%'").fetchall()
    assert [(r[0], r[1], r[2]) for r in rej] == [(5, "participant", "unknown_participant")]
    assert '"nobody@x.org"' in rej[0][3]
    calendly = next(m for m in manifest(con, "sessions") if "calendly" in m[0])
    assert calendly[1:5] == (6, 5, 1, "ok") and "Calendly (columns before 2025) export" in calendly[5]
    # confidential free text is in no table
    for (table,) in con.execute("SELECT schema_name || '.' || table_name FROM duckdb_tables()").fetchall():
        dump = str(con.execute(f"SELECT * FROM {table}").fetchall())
        assert "disagree" not in dump and "Confidential note" not in dump, table
