"""One real meeting counts once (docs/exports.md, "One meeting counts once"): a booking and an attendance of it are one session.

After a sessions load, every session that came from an attendance report (Zoom, Teams) is paired
with a session of the same participant and coach from any other file whose start is within 60
minutes of it. Pairs are chosen closest first, each session in at most one pair, an active booking
before a cancelled one. The booking's row is kept (its session_id, modality) and takes the
attendance's start and duration and the status completed (the attendance measured what happened);
the attendance row is removed.
"""
from __future__ import annotations

WINDOW_MINUTES = 60


def merge_booked_and_attended(con, table: str, attendance_files: list[str]) -> dict[str, int]:
    """Merge in place; returns, per attendance file, how many of its sessions were merged."""
    con.execute("CREATE OR REPLACE TEMP TABLE _attended_files (f VARCHAR)")
    con.executemany("INSERT INTO _attended_files VALUES (?)", [[f] for f in attendance_files])
    pairs = con.execute(f"""
        SELECT a.session_id, b.session_id, a._source_file,
               abs(date_diff('second', a.scheduled_start, b.scheduled_start)) AS gap,
               b.status IN ('cancelled', 'late_cancelled') AS cancelled
        FROM {table} a JOIN {table} b
          ON a._participant_id = b._participant_id AND a._coach_id = b._coach_id
         AND a.session_id <> b.session_id
         AND abs(date_diff('second', a.scheduled_start, b.scheduled_start)) <= {WINDOW_MINUTES * 60}
        WHERE a._source_file IN (SELECT f FROM _attended_files)
          AND b._source_file NOT IN (SELECT f FROM _attended_files)
        ORDER BY cancelled, gap, a.session_id, b.session_id""").fetchall()
    used_a, used_b, chosen = set(), set(), []
    for attended, booked, file, _gap, _cancelled in pairs:
        if attended in used_a or booked in used_b:
            continue
        used_a.add(attended)
        used_b.add(booked)
        chosen.append((attended, booked, file))
    counts: dict[str, int] = {}
    if chosen:
        con.execute("CREATE OR REPLACE TEMP TABLE _pairs (attended VARCHAR, booked VARCHAR)")
        con.executemany("INSERT INTO _pairs VALUES (?, ?)", [[a, b] for a, b, _ in chosen])
        con.execute(f"""UPDATE {table} AS s SET scheduled_start = a.scheduled_start,
                            duration_minutes = a.duration_minutes, status = 'completed', cancelled_at = NULL
                        FROM _pairs p JOIN {table} a ON a.session_id = p.attended
                        WHERE s.session_id = p.booked""")
        con.execute(f"DELETE FROM {table} WHERE session_id IN (SELECT attended FROM _pairs)")
        con.execute("DROP TABLE _pairs")
        for _, _, file in chosen:
            counts[file] = counts.get(file, 0) + 1
    con.execute("DROP TABLE _attended_files")
    return counts
