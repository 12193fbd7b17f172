"""A landing folder with hostile names and a tiny cohort, built from the generator's output."""
from __future__ import annotations

import csv
from pathlib import Path

SPONSOR_NAMES = {
    "SP-NW": "<script>alert('sponsor')</script>Northwind",
    "SP-AU": "<img src=x onerror=alert('img')> Aurora",
    "SP-KL": "=HYPERLINK(\"http://evil.example\",\"click\")",
}
COHORT_PREFIX = '<b onmouseover=alert("cohort")>'
PERSON = "<svg onload=alert('person')>"
COMPETENCY = "Delegation <i>&</i> trust"


def _rewrite(path: Path, fn) -> None:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    body = [fn(dict(zip(header, r))) for r in body]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for r in body:
            if r is not None:
                w.writerow([r[h] for h in header])


def make_hostile(landing: Path) -> dict:
    def sponsor(r):
        r["sponsor_name"] = SPONSOR_NAMES.get(r["sponsor_id"], r["sponsor_name"])
        return r

    def cohort(r):
        r["cohort_name"] = COHORT_PREFIX + r["cohort_name"]
        return r

    def person(r):
        r["full_name"] = PERSON + r["full_name"]
        return r

    def item(r):
        if r["competency"] == "Delegation":
            r["competency"] = COMPETENCY
        return r

    _rewrite(landing / "sponsors" / "sponsors.csv", sponsor)
    _rewrite(landing / "cohorts" / "cohorts.csv", cohort)
    _rewrite(landing / "participants" / "participants.csv", person)
    _rewrite(landing / "survey_items" / "survey_items.csv", item)
    # a tiny cohort of 2 under SP-NW: must be suppressed on the sponsor page
    with open(landing / "cohorts" / "tiny.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["cohort_id", "cohort_name", "sponsor_id", "start_date", "end_date", "planned_sessions"])
        w.writerow(["CH-TINY", "Tiny pilot cohort", "SP-NW", "2026-01-05", "2026-06-30", "6"])
    with open(landing / "participants" / "tiny.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["participant_id", "email", "full_name", "cohort_id", "enrolled_on", "status"])
        w.writerow(["PT-TINY-1", "tiny1@client.example", "Tina Tiny", "CH-TINY", "2026-01-05", "active"])
        w.writerow(["PT-TINY-2", "tiny2@client.example", "Tom Tiny", "CH-TINY", "2026-01-05", "active"])
    # a sponsor whose only cohort has 3 participants: its page must show none of their numbers
    with open(landing / "sponsors" / "three.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write("sponsor_id,sponsor_name\nSP-3,Three Person Pilot Org\n")
    with open(landing / "cohorts" / "three.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write("cohort_id,cohort_name,sponsor_id,start_date,end_date,planned_sessions\n"
                 "CH-3,Three-person pilot,SP-3,2025-09-01,2026-03-31,6\n")
    with open(landing / "participants" / "three.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write("participant_id,email,full_name,cohort_id,enrolled_on,status\n"
                 + "".join(f"PT-3-{i},three{i}@client.example,Person Three{i},CH-3,2025-09-01,completed\n"
                           for i in range(1, 4)))
    return {"tiny_cohort": "Tiny pilot cohort"}
