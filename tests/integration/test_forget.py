"""`coachlens forget` (docs/privacy.md, "Erasure: `coachlens forget`"), and the installation's own salt it relies on: after an erasure no
table, page, CSV download or quarantine record holds the person, and a refresh from the same landing files keeps
them out. The programme is refreshed without a configured salt, so the installation generates its own."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import shutil
import stat

import duckdb
import pytest

from tests.conftest import refresh, run_cli
from tests.integration.loading import BASE, write_landing

pytestmark = pytest.mark.e2e
AS_OF = dt.date(2024, 6, 30)
NO_SALT = {"COACHLENS_PSEUDONYM_SALT": "change-me"}  # the committed placeholder: not a configured salt
PARTICIPANTS = ("participant_id,email,full_name,cohort_id,enrolled_on,status\n"
                "P1,p1@x.org,Ada Lovelace,C1,2024-01-02,active\nP2,P2@X.org ,Grace Hopper,C1,2024-01-02,completed\n"
                "P3,shared@x.org,,C2,2024-01-05,active\nP4,shared@x.org,,C2,2024-01-05,active\n")
# P1 also has a session rejected for its status (a quarantined raw record naming them) and one by email
SESSIONS = BASE["sessions"] + "X3,P1,K1,2024-02-08 10:00,60,finished,\nX4,p1@x.org,K1,2024-02-15 10:00,60,completed,\n"


def key(salt: str, participant_id: str) -> str:
    return hashlib.sha256((salt + participant_id).encode()).hexdigest()[:16]


def find_traces(value, tokens: dict) -> list[str]:
    """Which of the person's identifiers a value holds: an exact id, or an email, name or pseudonym inside it."""
    text = str(value).strip()
    found = [name for name, token in tokens.items() if name != "id" and token.lower() in text.lower()]
    if text == tokens["id"] or f'"{tokens["id"]}"' in text or re.search(rf"\b{tokens['id']}\b", text):
        found.append("id")
    return found


def warehouse_traces(warehouse, tokens) -> list[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = []
        for schema, table in con.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall():
            for row in con.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall():
                for value in row:
                    if value is not None and find_traces(value, tokens):
                        out.append(f"{schema}.{table}: {value!r}")
        return out
    finally:
        con.close()


def site_traces(site, tokens) -> list[str]:
    """Every page's text and every CSV download it offers (decoded)."""
    out = []
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        csvs = [base64.b64decode(d).decode("utf-8") for d in re.findall(r"data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)", text)]
        text = re.sub(r"<script>.*?</script>", "", text, flags=re.S)  # plotly.js itself
        for where, content in [(page.name, text)] + [(f"{page.name} CSV", c) for c in csvs]:
            for cell in re.split(r"[,\n<>]", content):
                if find_traces(cell, tokens):
                    out.append(f"{where}: {cell.strip()[:80]!r}")
    return out


@pytest.fixture(scope="module")
def programme(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("forget")
    landing = write_landing(tmp / "landing", {"participants": PARTICIPANTS, "sessions": SESSIONS})
    out = tmp / "out"
    refresh(landing, out, as_of=AS_OF, **NO_SALT)
    salt = (out / "warehouse.duckdb.salt").read_text(encoding="utf-8").strip()
    tokens = {"id": "P1", "email": "p1@x.org", "name": "Ada Lovelace", "pseudonym": key(salt, "P1")}
    before = {"warehouse": warehouse_traces(out / "warehouse.duckdb", tokens), "site": site_traces(out / "site", tokens)}
    shutil.copytree(out, tmp / "before")
    proc = run_cli(["forget", " P1@X.org ", "--warehouse", str(out / "warehouse.duckdb"), "--site", str(out / "site")],
                   out, **NO_SALT)
    return landing, out, salt, tokens, before, proc


def test_refresh_without_a_configured_salt_uses_the_installations_own_private_salt(programme):
    landing, out, salt, tokens, before, _ = programme
    path = out / "warehouse.duckdb.salt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(salt) == 64 and salt != "change-me"
    con = duckdb.connect(str(out.parent / "before" / "warehouse.duckdb"), read_only=True)
    keys = dict(con.execute("SELECT participant_id, participant_key FROM marts.participant_journey").fetchall())
    con.close()
    assert keys["P2"] == key(salt, "P2") != key("change-me", "P2")


def test_the_person_was_everywhere_before(programme):
    """The checks below can fail: before the erasure each identifier is found in tables, quarantine and pages."""
    _, _, _, _, before, _ = programme
    assert any(t.startswith("raw.participants") for t in before["warehouse"])
    assert any(t.startswith("quarantine.rejected_rows") and "finished" in t for t in before["warehouse"])
    assert any(t.startswith("marts.participant_journey") for t in before["warehouse"])
    assert any("Ada Lovelace" in t for t in before["site"]) and any("p1@x.org" in t for t in before["site"])


def test_after_forget_no_table_page_csv_or_quarantine_record_holds_them(programme):
    landing, out, salt, tokens, before, proc = programme
    assert "erased 1 person(s) (1 found in the warehouse)" in proc.stdout
    assert warehouse_traces(out / "warehouse.duckdb", tokens) == []
    assert site_traces(out / "site", tokens) == []
    con = duckdb.connect(str(out / "warehouse.duckdb"), read_only=True)
    try:
        # the others stay, and every file still adds up: rows read = loaded + rejected
        assert sorted(r[0] for r in con.execute("SELECT participant_id FROM raw.participants").fetchall()) == ["P2", "P3", "P4"]
        assert con.execute("SELECT count(*) FROM raw.file_manifest WHERE rows_read <> rows_loaded + rows_rejected"
                           ).fetchall()[0][0] == 0
    finally:
        con.close()
    # the log says what and when, as counts and pseudonyms, never who
    log = (out / "warehouse.duckdb.erasures.jsonl").read_text(encoding="utf-8")
    entry = json.loads(log.splitlines()[-1])
    assert entry["people"] == 1 and entry["erased_at"].startswith(str(dt.date.today().year))
    assert key(salt, "P1") in entry["pseudonyms"] and key(salt, "p1@x.org") in entry["pseudonyms"]
    assert entry["rows_removed"]["raw.participants"] == 1 and entry["rows_removed"]["raw.sessions"] == 2
    assert not find_traces(log.replace(key(salt, "P1"), ""), {**tokens, "pseudonym": "-none-"})
    assert stat.S_IMODE((out / "warehouse.duckdb.erasures.jsonl").stat().st_mode) == 0o600
    assert '<div class="label">People erased</div><div class="value">1</div>' in \
        (out / "site" / "operations.html").read_text(encoding="utf-8")


def test_the_next_refresh_from_the_same_files_keeps_them_out(programme):
    landing, out, salt, tokens, before, _ = programme
    refresh(landing, out, as_of=AS_OF, **NO_SALT)
    assert warehouse_traces(out / "warehouse.duckdb", tokens) == []
    assert site_traces(out / "site", tokens) == []
    con = duckdb.connect(str(out / "warehouse.duckdb"), read_only=True)
    try:
        manifest = {p: (r, lo, rj) for p, r, lo, rj in con.execute(
            "SELECT path, rows_read, rows_loaded, rows_rejected FROM raw.file_manifest").fetchall()}
        assert manifest["participants/participants.csv"] == (4, 3, 1)
        assert manifest["sessions/sessions.csv"] == (4, 1, 3)  # X1 and X4 erased, X3 quarantined: P1's all three
        assert all(r == lo + rj for r, lo, rj in manifest.values())
        erased = con.execute("SELECT file, row_number, raw_record FROM quarantine.rejected_rows "
                             "WHERE reason_code = 'erased' ORDER BY ALL").fetchall()
        # the person's HR records go too: employee E1 has P1's email, and E1's rating event
        assert erased == [("assignments/assignments.csv", 2, None), ("employees/employees.csv", 2, None),
                          ("goals/goals.csv", 2, None), ("hr_events/hr_events.csv", 2, None),
                          ("participants/participants.csv", 2, None), ("sessions/sessions.csv", 2, None),
                          ("sessions/sessions.csv", 4, None), ("sessions/sessions.csv", 5, None),
                          ("survey_responses/survey_responses.csv", 2, None)]
        assert con.execute("SELECT sum(people) FROM audit.erasures").fetchall() == [(1,)]
        keys = [r[0] for r in con.execute("SELECT participant_key FROM marts.participant_journey").fetchall()]
        assert key(salt, "P2") in keys and key(salt, "P1") not in keys
    finally:
        con.close()


def test_forget_after_a_failed_first_run_blanks_the_quarantine_and_keeps_the_failure_page(tmp_path):
    landing = write_landing(tmp_path / "landing", {"participants": PARTICIPANTS, "sessions": SESSIONS})
    (landing / "sessions" / "zz_bad.csv").write_text("session_id,participant\nS1,P1\n", encoding="utf-8")
    out = tmp_path / "out"
    assert refresh(landing, out, as_of=AS_OF, check=False, **NO_SALT).returncode == 1
    salt = (out / "warehouse.duckdb.salt").read_text(encoding="utf-8").strip()
    tokens = {"id": "P1", "email": "p1@x.org", "name": "Ada Lovelace", "pseudonym": key(salt, "P1")}
    assert any(t.startswith("quarantine.rejected_rows") for t in warehouse_traces(out / "warehouse.duckdb", tokens))
    proc = run_cli(["forget", "P1", "--warehouse", str(out / "warehouse.duckdb"), "--site", str(out / "site")],
                   out, **NO_SALT)
    assert "'P1' is not in the warehouse" in proc.stdout  # a failed first run has no participants table
    assert warehouse_traces(out / "warehouse.duckdb", tokens) == []
    assert site_traces(out / "site", tokens) == []
    ops = (out / "site" / "operations.html").read_text(encoding="utf-8")
    assert "The last refresh FAILED" in ops and "sessions/zz_bad.csv" in ops
