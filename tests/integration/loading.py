"""Helpers for loader tests: a small valid landing folder, and loading it in memory."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from pipelines.lib.contracts import load_contracts
from pipelines.lib.loader import LoadSettings, load_source, prepare_warehouse

AS_OF = dt.date(2024, 6, 30)

BASE = {
    "sponsors": "sponsor_id,sponsor_name\nS1,Acme\nS2,Beta\n",
    "cohorts": ("cohort_id,cohort_name,sponsor_id,start_date,end_date,planned_sessions,timezone,currency,budget_amount\n"
                "C1,One,S1,2024-01-01,2024-06-30,6,America/New_York,,1000\n"
                "C2,Two,S2,2024-01-01,2024-12-31,4,,EUR,2000\n"),
    "participants": ("participant_id,email,cohort_id,enrolled_on,status\n"
                     "P1,p1@x.org,C1,2024-01-02,active\nP2,P2@X.org ,C1,2024-01-02,completed\n"
                     "P3,shared@x.org,C2,2024-01-05,active\nP4,shared@x.org,C2,2024-01-05,active\n"),
    "coaches": "coach_id,email,hourly_rate,currency\nK1,k1@c.org,200,USD\nK2,k2@c.org,150,EUR\n",
    "assignments": "participant,coach,matched_on,ended_on\nP1,K1,2024-01-03,\np2@x.org,k1@c.org,2024-01-03,\n",
    "sessions": ("session_id,participant,coach,scheduled_start,duration_minutes,status,cancelled_at\n"
                 "X1,P1,K1,2024-02-01 10:00,60,completed,\nX2,P2,K1,2024-02-01T10:00:00Z,60,no_show,\n"),
    "survey_items": ("item_id,kind,competency,scale_min,scale_max,reverse_scored\n"
                     "LEAD_1,competency,Leading,1,5,false\nLEAD_3,competency,Leading,1,5,true\nNPS,nps,,0,10,\n"),
    "survey_responses": ("response_id,participant,instrument,wave,rater_type,item_id,score,submitted_at\n"
                         "R1,P1,360,pre,self,LEAD_1,3,2024-01-04 09:00\n"),
    "goals": "goal_id,participant,set_on,status,gas_score,rated_on\nG1,P1,2024-01-10,on_track,0,2024-03-01\n",
    "costs": ("cost_id,incurred_on,category,amount,currency,cohort_id,sponsor_id\n"
              "F1,2024-02-01,coaching_fee,200,USD,C1,\nL1,2024-02-01,licence,-50,EUR,,S2\n"),
    "fx_rates": "currency,valid_from,rate_to_reporting\nEUR,2024-01-01,1.1\n",
    "employees": ("employee_id,email,job_level,department,region,hired_on,left_on,exit_type\n"
                  "E1,P1@x.org ,L1,D1,,2020-01-01,,\nE2,e2@x.org,L1,D1,,2019-05-01,2024-03-01,Voluntary\n"),
    "hr_events": "employee_id,event,event_on,value\nE1,rating,2023-12-01,3\nE2,promotion,2023-06-01,\n",
}


def write_landing(root: Path, overrides: dict | None = None) -> Path:
    for source, text in {**BASE, **(overrides or {})}.items():
        (root / source).mkdir(parents=True, exist_ok=True)
        if text is not None:
            (root / source / f"{source}.csv").write_text(text, encoding="utf-8")
    return root


def load(root: Path, as_of: dt.date = AS_OF):
    con = duckdb.connect()
    prepare_warehouse(con)
    settings = LoadSettings(as_of=as_of)
    for contract in load_contracts().values():
        load_source(con, contract, root, settings, dt.datetime(2024, 7, 1, tzinfo=dt.timezone.utc), log=lambda m: None)
    return con


def rejections(con, source: str) -> list[tuple]:
    return con.execute("SELECT row_number, column_name, reason FROM quarantine.rejected_rows WHERE source = ? "
                       "ORDER BY row_number", [source]).fetchall()


def manifest(con, source: str) -> list[tuple]:
    return con.execute("SELECT path, rows_read, rows_loaded, rows_rejected, status, message FROM raw.file_manifest "
                       "WHERE source = ? ORDER BY path", [source]).fetchall()
