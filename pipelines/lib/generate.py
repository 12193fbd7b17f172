"""A seeded generator of a realistic landing folder (docs/landing.md).

It streams participants in chunks, so `--participants 500000` runs in bounded
memory. The truth is known: `_truth.json` at the landing root (not a source
folder, so never loaded) holds the injected mean improvement per competency on
the self-rated and manager-rated scales, which tests check the pipeline recovers.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

SPONSORS = [("SP-NW", "Northwind Health"), ("SP-AU", "Aurora Bank"), ("SP-KL", "Keystone Logistics"),
            ("SP-BF", "Bluefin Retail & Co"), ("SP-OR", "Orbital Software")]
ZONES = [("America/New_York", "USD"), ("Europe/London", "GBP"), ("Europe/Berlin", "EUR"),
         ("Asia/Singapore", "SGD"), ("America/Chicago", "USD"), ("", "USD")]
FX_BASE = {"GBP": 1.27, "EUR": 1.08, "SGD": 0.74}
COMPETENCIES = {  # competency: injected true mean change (self, manager) on the 1-7 scale
    "Communication": (0.45, 0.30),
    "Delegation": (0.60, 0.40),
    "Strategic thinking": (0.30, 0.20),
    "Resilience": (0.50, 0.25),
}
PROGRAMS = ["Emerging Leaders", "New Manager Essentials", "Senior Leader Coaching"]
FIRST = ["Ana", "Ben", "Chloé", "Dev", "Eitan", "Fatima", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Liam",
         "Mei", "Nadia", "Oscar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Yara", "Zoë"]
LAST = ["Lee", "Okafor", "García", "Novak", "O'Brien", "Schmidt", "Tan", "Haddad", "Kowalski", "Dubois", "Ito",
        "Mensah", "Rossi", "Silva", "Jensen", "Müller", "Patel", "Nguyen", "Kaur", "Cohen"]
EXIT_REASONS = ["left the organisation", "role change", "workload", "parental leave", "no longer interested"]
DEPARTMENTS = ["Operations", "Finance", "Engineering", "Sales", "People", "Marketing"]
LEVELS = ["first-line manager", "middle manager", "senior manager", "emerging leader"]
CREDENTIALS = ["ACC", "PCC", "PCC", "MCC", "none", "other"]
COHORT_SIZE = 30
CHUNK = 5000
PARTICIPANTS, SEED = 2000, 7  # what `coachlens generate` and `coachlens demo` write unless told otherwise

HEADERS = {
    "sponsors": ["sponsor_id", "sponsor_name"],
    "cohorts": ["cohort_id", "cohort_name", "program_name", "sponsor_id", "start_date", "end_date",
                "planned_sessions", "session_minutes", "budget_amount", "currency", "timezone"],
    "participants": ["participant_id", "email", "full_name", "cohort_id", "enrolled_on", "status", "exit_reason",
                     "job_level", "department", "region"],
    "coaches": ["coach_id", "email", "full_name", "coach_type", "credential", "hourly_rate", "currency",
                "monthly_capacity_hours"],
    "assignments": ["participant", "coach", "matched_on", "ended_on", "end_reason"],
    "sessions": ["session_id", "participant", "coach", "scheduled_start", "duration_minutes", "status", "modality",
                 "cancelled_at"],
    "survey_items": ["item_id", "kind", "competency", "scale_min", "scale_max", "reverse_scored", "text"],
    "survey_responses": ["response_id", "participant", "instrument", "wave", "rater_type", "item_id", "score",
                         "submitted_at", "session_id"],
    "goals": ["goal_id", "participant", "competency", "set_on", "target_on", "status", "progress_pct", "weight",
              "gas_score", "rated_on"],
    "costs": ["cost_id", "incurred_on", "category", "amount", "currency", "cohort_id", "sponsor_id", "coach",
              "session_id", "invoice_id", "description"],
    "fx_rates": ["currency", "valid_from", "rate_to_reporting"],
    "employees": ["employee_id", "email", "job_level", "department", "region", "hired_on", "left_on", "exit_type"],
    "hr_events": ["employee_id", "event", "event_on", "value"],
}

# Injected truths of the HR comparison (docs/metrics.md, cohort_comparison). Exits are competing exponential
# clocks (memoryless, so exact for anyone employed on a cohort's start): a voluntary one, lower for
# participants from their cohort's start, and an involuntary one, the same for everybody.
ANNUAL_EXIT = {"participant": 0.08, "comparison": 0.15}   # voluntary leavers per year
ANNUAL_INVOLUNTARY = 0.03
ANNUAL_PROMOTION = {"participant": 0.14, "comparison": 0.08}
RATING_EFFECT = 0.25        # participants' ratings dated on or after their cohort's start are this much higher
RATING_NOISE = 0.35         # SD of one rating around the person's level
FADERS = 0.4                # share of followed-up participants whose gain fades ...
FADED_SHARE = 0.3           # ... to this share of it by the follow-up survey
IMPACT = {"value": (9.5, 0.8), "attribution": (20, 80), "confidence": (40, 90)}  # lognormal(mu, s); uniforms
POOL_FACTOR, POOL_CAP = 3, 20000  # colleagues who were not coached: 3 per participant, at most 20,000


def _daily(annual: float) -> float:
    return -math.log(1 - annual) / 365


def retained_share(w: int, voluntary: float, involuntary: float = ANNUAL_INVOLUNTARY) -> float:
    """Expected retention over a window of w days among people not leaving involuntarily within it
    (competing exponential clocks; involuntary leavers within the window are left out)."""
    hv, hi = _daily(voluntary), _daily(involuntary)
    stay = math.exp(-(hv + hi) * w)
    return stay / (stay + hv / (hv + hi) * (1 - stay))


def survey_items() -> list[list]:
    rows = []
    for ci, comp in enumerate(COMPETENCIES):
        for k in range(1, 4):
            reverse = k == 3
            text = f"I {'struggle to' if reverse else 'consistently'} {comp.lower()} well (item {k})"
            rows.append([f"{comp[:4].upper()}_{k}", "competency", comp, 1, 7, "true" if reverse else "false", text])
    rows.append(["NPS_1", "nps", "", 0, 10, "false", "How likely are you to recommend coaching to a colleague?"])
    rows.append(["SAT_1", "satisfaction", "", 1, 5, "false", "How useful was this session?"])
    rows.append(["SAT_2", "satisfaction", "", 1, 5, "false", "How well did your coach understand your goals?"])
    rows.append(["IMP_V", "impact_value", "", 0, 1000000, "false",
                 "What is the yearly value, in money, of the improvement you made?"])
    rows.append(["IMP_A", "impact_attribution", "", 0, 100, "false", "What percentage of it is due to coaching?"])
    rows.append(["IMP_C", "impact_confidence", "", 0, 100, "false", "How confident are you in this estimate (%)?"])
    return rows


class _Writers:
    def __init__(self, out: Path):
        self.files, self.writers = {}, {}
        for source, header in HEADERS.items():
            (out / source).mkdir(parents=True, exist_ok=True)
            fh = open(out / source / f"{source}.csv", "w", encoding="utf-8", newline="")
            self.files[source] = fh
            self.writers[source] = csv.writer(fh, lineterminator="\n")
            self.writers[source].writerow(header)
        self.counts = {s: 0 for s in HEADERS}

    def rows(self, source: str, rows: list) -> None:
        self.writers[source].writerows(rows)
        self.counts[source] += len(rows)

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()


def _ts(day: dt.date, minutes: int) -> str:
    return f"{day.isoformat()} {minutes // 60:02d}:{minutes % 60:02d}:00"


def _clip_round(x: float, lo: int = 1, hi: int = 7) -> int:
    return int(min(hi, max(lo, round(x))))


def _review_days(first: dt.date, last: dt.date, rng: random.Random) -> list[dt.date]:
    """Performance reviews twice a year (mid March, mid September, a few days' jitter) between two dates."""
    days = []
    for year in range(first.year, last.year + 1):
        for month in (3, 9):
            day = dt.date(year, month, 10) + dt.timedelta(days=rng.randrange(0, 15))
            if first <= day <= last:
                days.append(day)
    return days


def _follow_up(buf: dict, rng: random.Random, pid: str, waves: list, as_of: dt.date, has_manager: bool,
               latent: dict, manager_view: dict, comp_items: dict) -> None:
    """A follow-up survey 3-6 months after the post survey for most who answered it; for FADERS of them the
    gain has faded to FADED_SHARE of it. Respondents also estimate the yearly value of their improvement."""
    post = [when for wave, when, _ in waves if wave == "post" and when <= as_of]
    if not post or rng.random() >= 0.75:
        return
    when = post[0] + dt.timedelta(days=rng.randrange(90, 180))
    if when > as_of:
        return
    share = FADED_SHARE if rng.random() < FADERS else 1.0
    submitted = _ts(when, rng.randrange(7 * 60, 22 * 60))
    for rater in (["self", "manager"] if has_manager else ["self"]):
        rid = f"RF-{pid}-{rater[0]}"
        for comp, items in comp_items.items():
            base = latent[comp] if rater == "self" else manager_view[comp]
            change = COMPETENCIES[comp][0 if rater == "self" else 1] * share + rng.gauss(0, 0.35)
            for item in items:
                score = _clip_round(base + change + rng.gauss(0, 0.55))
                if item[5] == "true":
                    score = 8 - score
                buf["survey_responses"].append([rid, pid, "Leadership 360", "follow_up", rater, item[0], score,
                                                submitted, ""])
        if rater == "self" and rng.random() < 0.7:
            mu, sigma = IMPACT["value"]
            answers = {"IMP_V": min(1000000, round(rng.lognormvariate(mu, sigma))),
                       "IMP_A": round(rng.uniform(*IMPACT["attribution"]), 1),
                       "IMP_C": round(rng.uniform(*IMPACT["confidence"]), 1)}
            for item_id, score in answers.items():
                if item_id == "IMP_C" and rng.random() < 0.05:
                    continue  # an incomplete estimate: counts as none
                buf["survey_responses"].append([rid, pid, "Leadership 360", "follow_up", rater, item_id, score,
                                                submitted, ""])


def _employee(rng: random.Random, employee_id: str, email: str, stratum: tuple, hired_on: dt.date,
              clock_from: dt.date, start: dt.date | None, as_of: dt.date, history_from: dt.date) -> tuple[list, list]:
    """One employee row and their HR events. Exit clocks run from clock_from; a participant (start given)
    leaves at the participants' rate, is promoted at their rate and rated RATING_EFFECT higher from start."""
    group = "participant" if start else "comparison"
    t_vol = rng.expovariate(_daily(ANNUAL_EXIT[group]))
    t_inv = rng.expovariate(_daily(ANNUAL_INVOLUNTARY))
    left = clock_from + dt.timedelta(days=math.floor(min(t_vol, t_inv)))
    left_on, exit_type = "", ""
    if left <= as_of:
        left_on = left.isoformat()
        exit_type = "involuntary" if t_inv < t_vol else ("" if rng.random() < 0.2 else "voluntary")
    last = min(left, as_of)
    first = max(hired_on, history_from)
    events = []
    level = rng.gauss(3.2, 0.5)
    for day in _review_days(first, last, rng):
        effect = RATING_EFFECT if start and day >= start else 0.0
        events.append([employee_id, "rating", day.isoformat(), f"{level + effect + rng.gauss(0, RATING_NOISE):.2f}"])
    day = first
    while True:  # promotions: a Poisson process, faster for participants from their cohort's start
        rate = ANNUAL_PROMOTION["participant" if start and day >= start else "comparison"]
        step = dt.timedelta(days=math.floor(rng.expovariate(_daily(rate))) + 1)
        if start and day < start <= day + step:
            day = start  # memoryless: restart the clock at the new rate
            continue
        day += step
        if day > last:
            break
        events.append([employee_id, "promotion", day.isoformat(), ""])
    row = [employee_id, email.lower(), *stratum, hired_on.isoformat(), left_on, exit_type]
    return row, events


SPAN_DAYS = 540  # cohorts start up to this many days before as_of


@dataclass
class _Numbers:
    """Running numbers of the generated ids, shared by every step so ids stay unique and in order."""
    session: int = 0
    response: int = 0
    goal: int = 0
    cost: int = 0

    def next(self, kind: str) -> int:
        setattr(self, kind, getattr(self, kind) + 1)
        return getattr(self, kind)


@dataclass
class _Programme:
    """What every participant of a generated programme is drawn against."""
    seed: int
    as_of: dt.date
    cohorts: list
    coaches: list
    comp_items: dict
    numbers: _Numbers

    def cohort_of(self, p: int) -> dict:
        n = len(self.cohorts)
        return self.cohorts[p // COHORT_SIZE if p // COHORT_SIZE < n else p % n]


@dataclass
class _Participant:
    """One participant while their rows are drawn; `row` is their participants row (status filled in late)."""
    index: int
    pid: str
    email: str
    cohort: dict
    enrolled: dt.date
    row: list
    invited: bool
    withdrawn: bool
    engagement: float
    stalls: bool
    matched: dt.date | None = None
    completed_sessions: list = field(default_factory=list)
    waves: list = field(default_factory=list)


def generate(out: Path, participants: int = PARTICIPANTS, seed: int = SEED, as_of: dt.date | None = None,
             progress=print) -> dict:
    """Write the landing folder; returns counts per source."""
    as_of = as_of or dt.date.today()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    w = _Writers(out)
    items = survey_items()
    w.rows("survey_items", items)
    w.rows("sponsors", [list(s) for s in SPONSORS])
    cohorts = _write_cohorts(w, rng, participants, as_of)
    first_day = as_of - dt.timedelta(days=SPAN_DAYS + 60)
    _write_fx_rates(w, rng, first_day, as_of)
    coaches = _write_coaches(w, rng, participants)
    numbers = _Numbers()
    _write_licences(w, rng, first_day, as_of, numbers)
    programme = _Programme(seed, as_of, cohorts, coaches,
                           {c: [r for r in items if r[2] == c] for c in COMPETENCIES}, numbers)
    for chunk_start in range(0, participants, CHUNK):
        buf = {s: [] for s in HEADERS}
        crng = random.Random(f"{seed}-{chunk_start}")
        for p in range(chunk_start, min(participants, chunk_start + CHUNK)):
            _participant(buf, crng, programme, p)
        for source, rows in buf.items():
            if rows:
                w.rows(source, rows)
        progress(f"  generated {min(participants, chunk_start + CHUNK):,} of {participants:,} participants")
    _write_comparison_pool(w, seed, participants, as_of)
    _write_programme_costs(w, rng, cohorts, as_of, numbers)
    w.close()
    _write_truth(out, seed, as_of, participants, cohorts, w.counts)
    return w.counts


def _write_cohorts(w: _Writers, rng: random.Random, participants: int, as_of: dt.date) -> list[dict]:
    """Enough cohorts of COHORT_SIZE for every participant, at least one per sponsor, started before as_of."""
    n_cohorts = max(len(SPONSORS), math.ceil(participants / COHORT_SIZE))
    cohorts = []
    for i in range(n_cohorts):
        sponsor = SPONSORS[i % len(SPONSORS)][0]
        tz, cur = ZONES[rng.randrange(len(ZONES))]
        start = as_of - dt.timedelta(days=rng.randrange(30, SPAN_DAYS))
        end = start + dt.timedelta(days=rng.choice([150, 180, 210]))
        planned = rng.choice([10, 12, 12, 16])
        minutes = rng.choice([45, 60, 60, 90])
        budget = round(COHORT_SIZE * planned * rng.uniform(180, 260), -2)
        cohorts.append(dict(id=f"CH-{i + 1:05d}", sponsor=sponsor, tz=tz, cur=cur, start=start, end=end,
                            planned=planned, minutes=minutes))
        w.rows("cohorts", [[f"CH-{i + 1:05d}", f"{PROGRAMS[i % 3]} {start:%Y-%m} #{i + 1}", PROGRAMS[i % 3], sponsor,
                            start.isoformat(), end.isoformat(), planned, minutes if minutes != 60 else "",
                            budget if rng.random() < 0.9 else "", cur if cur != "USD" or rng.random() < 0.5 else "", tz]])
    return cohorts


def _write_fx_rates(w: _Writers, rng: random.Random, first_day: dt.date, as_of: dt.date) -> None:
    """A monthly random walk per currency from first_day to 400 days after as_of."""
    fx_rows = []
    for cur, base in FX_BASE.items():
        rate, day = base, dt.date(first_day.year, first_day.month, 1)
        while day <= as_of + dt.timedelta(days=400):
            fx_rows.append([cur, day.isoformat(), f"{rate:.4f}"])
            rate *= math.exp(rng.gauss(0, 0.015))
            day = (day + dt.timedelta(days=32)).replace(day=1)
    w.rows("fx_rates", fx_rows)


def _write_coaches(w: _Writers, rng: random.Random, participants: int) -> list[tuple[str, float]]:
    """One coach per 12 participants (at least 8); a quarter internal (no rate). Returns (coach_id, rate)."""
    n_coaches = max(8, participants // 12)
    coaches = []
    for k in range(n_coaches):
        internal = rng.random() < 0.25
        rate = 0 if internal else rng.choice([150, 180, 200, 250, 300])
        coaches.append((f"CO-{k + 1:05d}", rate))
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        w.rows("coaches", [[f"CO-{k + 1:05d}", f"coach{k + 1}@coaching.example", name,
                            "internal" if internal else "external", rng.choice(CREDENTIALS),
                            rate if not internal else "", "USD", rng.choice([20, 30, 40, ""])]])
    return coaches


def _write_licences(w: _Writers, rng: random.Random, first_day: dt.date, as_of: dt.date, numbers: _Numbers) -> None:
    """Licences billed to each sponsor, monthly, shared over its cohorts by the pipeline."""
    for sid, _ in SPONSORS:
        day = dt.date(first_day.year, first_day.month, 1)
        while day <= as_of:
            n = numbers.next("cost")
            w.rows("costs", [[f"LIC-{n:06d}", day.isoformat(), "licence", f"{rng.choice([900, 1200, 1500])}.00",
                              "USD", "", sid, "", "", f"INV-L{n:06d}", "Platform licence"]])
            day = (day + dt.timedelta(days=32)).replace(day=1)


def _participant(buf: dict, crng: random.Random, programme: _Programme, p: int) -> None:
    """Every row of one participant: enrolment, HR record, coach, sessions, surveys and goals."""
    person = _enrol(buf, crng, programme, p)
    _hr_record(buf, programme, p, person)
    if person.invited:
        person.row[5] = "invited"
        return
    coach_id, rate = programme.coaches[crng.randrange(len(programme.coaches))]
    person.matched = person.enrolled + dt.timedelta(days=crng.randrange(2, 15))
    if person.matched > programme.as_of:
        person.row[5] = "invited"
        return
    buf["assignments"].append([person.pid if crng.random() < 0.9 else person.email, coach_id,
                               person.matched.isoformat(), "", ""])
    _sessions(buf, crng, programme, person, coach_id, rate)
    _final_status(crng, programme.as_of, person)
    _surveys(buf, crng, programme, person)
    _pulse_surveys(buf, crng, programme, person)
    _goals(buf, crng, programme, person)


def _enrol(buf: dict, crng: random.Random, programme: _Programme, p: int) -> _Participant:
    """The participant's participants row; a few are only invited, some will withdraw or stall."""
    c = programme.cohort_of(p)
    pid = f"PT-{p + 1:07d}"
    email = f"participant{p + 1}@client.example"
    enrolled = c["start"] - dt.timedelta(days=crng.randrange(0, 21))
    u = crng.random()
    engagement = crng.betavariate(6, 1.4)  # share of planned sessions that happen
    stalls = crng.random() < 0.12
    buf["participants"].append([
        pid, email if crng.random() > 0.02 else email.upper(), f"{crng.choice(FIRST)} {crng.choice(LAST)}",
        c["id"], enrolled.isoformat(), "", "", crng.choice(LEVELS), crng.choice(DEPARTMENTS),
        crng.choice(["EMEA", "Americas", "APAC"])])
    return _Participant(p, pid, email, c, enrolled, buf["participants"][-1], invited=u < 0.05,
                        withdrawn=0.05 <= u < 0.13, engagement=engagement, stalls=stalls)


def _hr_record(buf: dict, programme: _Programme, p: int, person: _Participant) -> None:
    """The participant's employee row and HR events; a few participants are missing from the HR roster."""
    hrng = random.Random(f"{programme.seed}-hr-{p}")
    if hrng.random() < 0.03:
        return
    prow, start, as_of = person.row, person.cohort["start"], programme.as_of
    stratum = (prow[7], prow[8], prow[9] if hrng.random() > 0.02 else "")
    hired = start - dt.timedelta(days=hrng.randrange(200, 3000))
    erow, events = _employee(hrng, f"EM-{p + 1:07d}", person.email, stratum, hired, start, start,
                             as_of, as_of - dt.timedelta(days=SPAN_DAYS + 500))
    buf["employees"].append(erow)
    buf["hr_events"].extend(events)


def _sessions(buf: dict, crng: random.Random, programme: _Programme, person: _Participant, coach_id: str,
              rate: float) -> None:
    """Sessions every 10-24 days from shortly after matching until enough are completed; fees for the paid."""
    c, as_of = person.cohort, programme.as_of
    n_target = max(1, round(c["planned"] * person.engagement))
    if person.stalls:
        n_target = min(n_target, crng.randrange(1, 3))
    if person.withdrawn:
        n_target = min(n_target, crng.randrange(0, 4))
    day = person.matched + dt.timedelta(days=crng.randrange(3, 20))
    attempts = 0
    while len(person.completed_sessions) < n_target and attempts < n_target * 2 + 2:
        attempts += 1
        start_min = crng.randrange(8 * 60, 18 * 60, 30)
        sid = f"SE-{programme.numbers.next('session'):08d}"
        status, cancelled_at = _session_status(crng, day, start_min, as_of)
        duration = c["minutes"] if status == "completed" else (0 if status in ("cancelled", "scheduled") else c["minutes"])
        if status == "completed":
            duration = max(15, c["minutes"] + crng.choice([0, 0, 0, -5, 5, -10]))
        buf["sessions"].append([sid, person.pid if crng.random() < 0.95 else person.email, coach_id,
                                _ts(day, start_min), duration, status,
                                crng.choice(["video", "video", "phone", "in_person", "chat"]), cancelled_at])
        if status == "completed":
            person.completed_sessions.append((sid, day))
        if status in ("completed", "no_show", "late_cancelled") and rate:
            _session_fee(buf, programme, c, coach_id, rate, sid, day)
        if status == "scheduled":
            break
        day += dt.timedelta(days=crng.randrange(10, 24))


def _session_status(crng: random.Random, day: dt.date, start_min: int, as_of: dt.date) -> tuple[str, str]:
    """(status, cancelled_at) of a session: scheduled after as_of, else mostly completed."""
    r = crng.random()
    if day > as_of:
        return "scheduled", ""
    if r < 0.04:
        return "no_show", ""
    if r < 0.07:
        return "late_cancelled", ""
    if r < 0.13:
        hours_before = crng.choice([2, 6, 12, 30, 48, 96])
        cancel_dt = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=start_min - 60 * hours_before)
        return "cancelled", cancel_dt.isoformat(sep=" ")
    return "completed", ""


def _session_fee(buf: dict, programme: _Programme, c: dict, coach_id: str, rate: float, sid: str,
                 day: dt.date) -> None:
    """The coach's fee for one session, in the cohort's currency."""
    n = programme.numbers.next("cost")
    fee = rate * c["minutes"] / 60
    fx = FX_BASE.get(c["cur"], 1.0)
    buf["costs"].append([f"FEE-{n:08d}", day.isoformat(), "coaching_fee", f"{fee / fx:.2f}", c["cur"], c["id"], "",
                         coach_id, sid, f"INV-{coach_id}-{day:%Y%m}", "Coaching session fee"])


def _final_status(crng: random.Random, as_of: dt.date, person: _Participant) -> None:
    """withdrawn, completed (all planned sessions, or 3/4 of them by the cohort's end) or active."""
    prow, c, n_done = person.row, person.cohort, len(person.completed_sessions)
    if person.withdrawn:
        prow[5], prow[6] = "withdrawn", crng.choice(EXIT_REASONS)
    elif n_done >= c["planned"] or (c["end"] < as_of and n_done >= c["planned"] * 0.75):
        prow[5] = "completed"
    elif c["end"] < as_of and crng.random() < 0.7:
        prow[5], prow[6] = "withdrawn", "did not finish before the cohort ended"
    else:
        prow[5] = "active"


def _surveys(buf: dict, crng: random.Random, programme: _Programme, person: _Participant) -> None:
    """360 surveys: self pre for most, mid and post for some, managers for half; then the follow-up."""
    comps, as_of, n_done = list(COMPETENCIES), programme.as_of, len(person.completed_sessions)
    latent = {comp: crng.gauss(3.6, 0.7) for comp in comps}
    manager_view = {comp: latent[comp] + crng.gauss(0, 0.4) for comp in comps}
    waves = person.waves
    if crng.random() < 0.92:
        waves.append(("pre", person.matched + dt.timedelta(days=1), 0.0))
    if n_done >= person.cohort["planned"] / 2 and crng.random() < 0.6:
        waves.append(("mid", person.completed_sessions[n_done // 2][1] + dt.timedelta(days=1), 0.5))
    if person.row[5] == "completed" and crng.random() < 0.85:
        waves.append(("post", person.completed_sessions[-1][1] + dt.timedelta(days=3), 1.0))
    has_manager = crng.random() < 0.5
    for wave, when, share in waves:
        if when > as_of:
            continue
        for rater in (["self", "manager"] if has_manager else ["self"]):
            rid = f"RS-{programme.numbers.next('response'):08d}"
            submitted = _ts(when, crng.randrange(7 * 60, 22 * 60))
            for comp in comps:
                base = latent[comp] if rater == "self" else manager_view[comp]
                change = COMPETENCIES[comp][0 if rater == "self" else 1] * share
                person_change = change + crng.gauss(0, 0.35) * (share > 0)
                for item in programme.comp_items[comp]:
                    score = _clip_round(base + person_change + crng.gauss(0, 0.55))
                    if item[5] == "true":
                        score = 8 - score
                    buf["survey_responses"].append([rid, person.pid, "Leadership 360", wave, rater, item[0], score,
                                                    submitted, ""])
            if rater == "self" and wave == "post":
                nps = min(10, max(0, round(crng.gauss(8.2, 1.6))))
                buf["survey_responses"].append([rid, person.pid, "Leadership 360", wave, rater, "NPS_1", nps,
                                                submitted, ""])
    _follow_up(buf, random.Random(f"{programme.seed}-fu-{person.index}"), person.pid, waves, as_of, has_manager, latent,
               manager_view, programme.comp_items)


def _pulse_surveys(buf: dict, crng: random.Random, programme: _Programme, person: _Participant) -> None:
    """A session pulse (two satisfaction items) after about a third of the completed sessions."""
    for sid, sday in person.completed_sessions:
        if crng.random() < 0.35 and sday < programme.as_of:
            rid = f"RS-{programme.numbers.next('response'):08d}"
            submitted = _ts(sday, crng.randrange(18 * 60, 23 * 60))
            for item in ("SAT_1", "SAT_2"):
                buf["survey_responses"].append([rid, person.pid, "Session pulse", "pulse", "self", item,
                                                min(5, max(1, round(crng.gauss(4.3, 0.7)))), submitted, sid])


def _goals(buf: dict, crng: random.Random, programme: _Programme, person: _Participant) -> None:
    """One to three goals, set early, rated at the end for those with two or more sessions (GAS -2..2)."""
    comps, as_of = list(COMPETENCIES), programme.as_of
    status_now, n_done = person.row[5], len(person.completed_sessions)
    for _ in range(crng.randrange(1, 4)):
        gid = f"GL-{programme.numbers.next('goal'):07d}"
        set_on = person.matched + dt.timedelta(days=crng.randrange(1, 20))
        if set_on > as_of:
            continue
        comp = crng.choice(comps)
        weight = crng.choice([1, 1, 2, 3])
        target = person.cohort["end"].isoformat()
        buf["goals"].append([gid, person.pid, comp, set_on.isoformat(), target, "not_started", 0,
                             weight if weight != 1 else "", "", ""])
        rated = set_on + dt.timedelta(days=crng.randrange(60, 150))
        if rated <= as_of and n_done >= 2:
            gas = min(2, max(-2, round(crng.gauss(0.6 if status_now == "completed" else 0.0, 0.9))))
            status = ("achieved" if gas >= 1 else "on_track" if gas >= 0 else "off_track")
            if person.withdrawn and crng.random() < 0.5:
                status = "abandoned"
            buf["goals"].append([gid, person.pid, comp, set_on.isoformat(), target, status,
                                 min(100, max(0, 50 + 25 * gas)), weight if weight != 1 else "", gas,
                                 rated.isoformat()])


def _write_comparison_pool(w: _Writers, seed: int, participants: int, as_of: dt.date) -> None:
    """Colleagues who were not coached: the comparison pool, strata distributed a little differently."""
    prng = random.Random(f"{seed}-pool")
    history_from = as_of - dt.timedelta(days=SPAN_DAYS + 500)
    for k in range(min(POOL_FACTOR * participants, POOL_CAP)):
        level = prng.choice(LEVELS[:1] * 2 + LEVELS)
        stratum = (level, prng.choice(DEPARTMENTS), prng.choice(["EMEA", "Americas", "APAC"]) if prng.random() > 0.02 else "")
        hired = as_of - dt.timedelta(days=prng.randrange(400, 3400))
        erow, events = _employee(prng, f"EM-C{k + 1:07d}", f"colleague{k + 1}@client.example", stratum, hired, hired,
                                 None, as_of, history_from)
        w.rows("employees", [erow])
        w.rows("hr_events", events)


def _write_programme_costs(w: _Writers, rng: random.Random, cohorts: list, as_of: dt.date, numbers: _Numbers) -> None:
    """One assessment per cohort and some administration, and a credit note."""
    for c in cohorts:
        n = numbers.next("cost")
        w.rows("costs", [[f"ASM-{n:07d}", (c["start"] + dt.timedelta(days=7)).isoformat(), "assessment",
                          f"{rng.choice([1500, 2400, 3000])}.00", "USD", c["id"], "", "", "", f"INV-A{n:07d}",
                          "360 assessment licences"]])
        if rng.random() < 0.3:
            n = numbers.next("cost")
            w.rows("costs", [[f"ADM-{n:07d}", c["start"].isoformat(), "administration", "350.00", "USD",
                              c["id"], "", "", "", f"INV-M{n:07d}", "Programme administration"]])
    n = numbers.next("cost")
    w.rows("costs", [[f"CRN-{n:07d}", (as_of - dt.timedelta(days=20)).isoformat(), "other", "-250.00", "USD",
                      cohorts[0]["id"], "", "", "", f"CN-{n:07d}", "Credit note: cancelled workshop"]])


def _write_truth(out: Path, seed: int, as_of: dt.date, participants: int, cohorts: list, counts: dict) -> None:
    """_truth.json: the injected effects the tests check the pipeline recovers."""
    fade = FADERS * FADED_SHARE + (1 - FADERS) - 1
    comparison = {}
    for c in cohorts:
        if c["start"] > as_of:
            continue
        wd = min(365, (as_of - c["start"]).days + 1)
        comparison[c["id"]] = {
            "window_days": wd,
            "retention": retained_share(wd, ANNUAL_EXIT["participant"]) - retained_share(wd, ANNUAL_EXIT["comparison"]),
            "rating": RATING_EFFECT}
    mu, sigma = IMPACT["value"]
    mean_b = (math.exp(mu + sigma ** 2 / 2) * sum(IMPACT["attribution"]) / 2 / 100
              * sum(IMPACT["confidence"]) / 2 / 100)
    truth = {"seed": seed, "as_of": as_of.isoformat(), "participants": participants,
             "scale": [1, 7], "true_mean_change": {c: {"self": v[0], "manager": v[1]} for c, v in COMPETENCIES.items()},
             "true_mean_change_since_post": {c: {"self": v[0] * fade, "manager": v[1] * fade}
                                             for c, v in COMPETENCIES.items()},
             "comparison": comparison,
             "comparison_note": "retention difference for window_days = 365 cut at as_of; rating difference in "
                                "differences; both with value.window_days = 365",
             "impact_benefit_per_respondent": mean_b,
             "rows": counts}
    (out / "_truth.json").write_text(json.dumps(truth, indent=2, sort_keys=True) + "\n", encoding="utf-8")
