"""A vendor export (Calendly scheduled events) lands in sessions through its adapter, nothing else changed."""
from pipelines.lib.adapters import vendor_timestamp
from tests.integration.loading import load, manifest, rejections, write_landing

CALENDLY = (
    "Invitee Name,Invitee Email,Invitee Time Zone,Event Type Name,Start Date & Time,End Date & Time,Location,"
    "Canceled,Marked as No-Show,User Name,User Email,Event UUID,Invitee UUID\n"
    "Pat One,p1@x.org,America/New_York,Coaching,2024-02-05 09:30 am,2024-02-05 10:30 am,Zoom,false,false,"
    "Kim,k1@c.org,EV-1,INV-1\n"
    "Pat Two,P2@X.org,America/New_York,Coaching,02/06/2024 01:00 PM,02/06/2024 01:45 PM,Zoom,true,false,"
    "Kim,k1@c.org,EV-2,INV-2\n"
    "Pat One,p1@x.org,America/New_York,Coaching,2024-02-19 09:30 am,2024-02-19 10:30 am,Zoom,false,true,"
    "Kim,k1@c.org,EV-3,INV-3\n"
    "Nobody,nobody@x.org,America/New_York,Coaching,2024-02-20 09:30 am,2024-02-20 10:30 am,Zoom,false,false,"
    "Kim,k1@c.org,EV-4,INV-4\n"
)


def test_vendor_timestamps():
    assert vendor_timestamp("02/06/2024 01:00 PM") == "2024-02-06T13:00:00"
    assert vendor_timestamp("2024-02-05 12:15 am") == "2024-02-05T00:15:00"
    assert vendor_timestamp("next tuesday") == "next tuesday"


def test_calendly_export_loads_as_sessions(tmp_path):
    root = write_landing(tmp_path)
    (root / "sessions" / "zz_calendly_export.csv").write_text(CALENDLY, encoding="utf-8")
    con = load(root)
    rows = con.execute("""SELECT session_id, _participant_id, _coach_id, duration_minutes, status,
                          strftime(scheduled_start, '%Y-%m-%d %H:%M') FROM raw.sessions
                          WHERE _source_file LIKE '%calendly%' ORDER BY session_id""").fetchall()
    assert rows == [("INV-1", "P1", "K1", 60.0, "completed", "2024-02-05 14:30"),
                    ("INV-2", "P2", "K1", 45.0, "cancelled", "2024-02-06 18:00"),
                    ("INV-3", "P1", "K1", 60.0, "no_show", "2024-02-19 14:30")]
    assert [(r[0], r[1]) for r in rejections(con, "sessions")] == [(5, "participant")]
    calendly = next(m for m in manifest(con, "sessions") if "calendly" in m[0])
    assert calendly[1:4] == (4, 3, 1) and "calendly export" in calendly[5]
