"""docs/loading.md, "Duplicate keys within one file": every row whose natural key occurs more than once in a file is rejected, whatever else is wrong
with the other copies, a ragged (malformed) copy included; its key is read from its fields by position."""
from tests.integration.loading import BASE, load, manifest, rejections, write_landing


def test_a_valid_row_whose_twin_is_ragged_is_rejected_with_it(tmp_path):
    # line 4: X1 again with one field too many; line 5: X2 again with one too few (the key position still exists)
    text = BASE["sessions"] + "X1,P1,K1,2024-02-02 10:00,60,completed,,extra\nX2,P2,K1\n"
    con = load(write_landing(tmp_path, {"sessions": text}))
    got = {r[0]: r for r in rejections(con, "sessions")}
    assert sorted(got) == [2, 3, 4, 5]
    assert got[2][1] == "session_id" and "duplicate key X1 occurs 2 times" in got[2][2]
    assert got[3][1] == "session_id" and "duplicate key X2 occurs 2 times" in got[3][2]
    assert "malformed row: 8 fields" in got[4][2] and "malformed row: 3 fields" in got[5][2]
    assert con.execute("SELECT count(*) FROM raw.sessions").fetchall()[0][0] == 0
    assert manifest(con, "sessions")[0][1:5] == (4, 0, 4, "ok")  # read = loaded + rejected


def test_ragged_key_matches_after_trimming_and_only_on_its_key_columns(tmp_path):
    # composite key participant + coach + matched_on; the ragged copy has spaces and an extra field
    text = BASE["assignments"] + " P1 ,K1, 2024-01-03 ,,,surplus\np2@x.org,k1@c.org,2024-02-03,,,surplus\n"
    con = load(write_landing(tmp_path, {"assignments": text}))
    got = {r[0]: r for r in rejections(con, "assignments")}
    assert sorted(got) == [2, 4, 5]  # P1/K1/2024-01-03 twice; line 5 is ragged with a key nobody else has
    assert "duplicate key P1,K1,2024-01-03 occurs 2 times" in got[2][2]
    assert con.execute("SELECT participant FROM raw.assignments").fetchall() == [("p2@x.org",)]


def test_a_ragged_row_too_short_to_hold_the_key_is_not_a_copy_of_anything(tmp_path):
    # the key needs three fields; a one-field ragged row "P1" has no key, so it is no copy of line 3, whose
    # coach and matched_on are empty: line 3 is rejected for what is wrong with it, not as a duplicate
    text = "participant,coach,matched_on,ended_on\nP1\nP1,,,\n"
    con = load(write_landing(tmp_path, {"assignments": text}))
    got = rejections(con, "assignments")
    assert [(r[0], r[1]) for r in got] == [(2, ""), (3, "coach")]
    assert "required" in got[1][2] and "duplicate" not in got[1][2]
