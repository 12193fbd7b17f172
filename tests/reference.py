"""An independent implementation of SPEC section 5 in plain Python (csv, datetime, zoneinfo),
used by the end-to-end tests to check the dbt marts. It shares no code with the pipeline and
reads only clean landing folders (the generator's output): no validation here."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import statistics
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo


def read_source(landing: Path, source: str) -> list[dict]:
    rows = []
    folder = Path(landing) / source
    if not folder.is_dir():
        return rows
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                rows.append({k.strip().lower(): (v.strip() if v is not None else "") for k, v in row.items()})
    return rows


def parse_instant(text: str, tz: str) -> dt.datetime:
    text = text.replace("Z", "+00:00").replace(" ", "T", 1)
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value


class Programme:
    def __init__(self, landing: Path, as_of: dt.date, timezone: str = "UTC", late_cancel_hours: float = 24,
                 stalled_after_days: int = 30, salt: str = "change-me"):
        self.as_of = as_of
        self.salt = salt
        self.cohorts = {r["cohort_id"]: r for r in read_source(landing, "cohorts")}
        for c in self.cohorts.values():
            c["tz"] = c.get("timezone") or timezone
        self.participants = {r["participant_id"]: r for r in read_source(landing, "participants")}
        by_email = defaultdict(list)
        for p in self.participants.values():
            by_email[p["email"].lower()].append(p["participant_id"])
        self.pid = lambda ref: ref if ref in self.participants else (
            by_email[ref.lower()][0] if len(by_email.get(ref.lower(), [])) == 1 else None)
        self.assignments = read_source(landing, "assignments")
        self.sessions = []
        for s in read_source(landing, "sessions"):
            pid = self.pid(s["participant"])
            cohort = self.cohorts[self.participants[pid]["cohort_id"]]
            start = parse_instant(s["scheduled_start"], cohort["tz"])
            status = s["status"].lower()
            if status == "cancelled" and s.get("cancelled_at"):
                cancelled = parse_instant(s["cancelled_at"], cohort["tz"])
                if (start - cancelled).total_seconds() < late_cancel_hours * 3600:
                    status = "late_cancelled"
            self.sessions.append({"pid": pid, "cohort_id": cohort["cohort_id"], "status": status,
                                  "local_date": start.astimezone(ZoneInfo(cohort["tz"])).date(),
                                  "minutes": float(s["duration_minutes"])})
        self.stalled_after_days = stalled_after_days
        self.landing = Path(landing)

    def journey(self) -> dict[str, dict]:
        out = {}
        matched = defaultdict(list)
        for a in self.assignments:
            matched[self.pid(a["participant"])].append(dt.date.fromisoformat(a["matched_on"]))
        sessions = defaultdict(list)
        for s in self.sessions:
            sessions[s["pid"]].append(s)
        n = self.stalled_after_days
        for pid, p in self.participants.items():
            cohort = self.cohorts[p["cohort_id"]]
            planned = int(cohort["planned_sessions"])
            done = [s for s in sessions[pid] if s["status"] == "completed"]
            dates = sorted(s["local_date"] for s in done)
            enrolled = dt.date.fromisoformat(p["enrolled_on"])
            status = p["status"].lower()
            is_completed = status == "completed" or len(done) >= planned
            row = {
                "participant_id": pid,
                "participant_key": hashlib.sha256((self.salt + pid).encode()).hexdigest()[:16],
                "cohort_id": p["cohort_id"], "sponsor_id": cohort["sponsor_id"], "status": status,
                "is_matched": bool(matched[pid]), "matched_on": min(matched[pid]) if matched[pid] else None,
                "first_session_on": dates[0] if dates else None, "last_session_on": dates[-1] if dates else None,
                "days_to_first_session": (dates[0] - enrolled).days if dates else None,
                "sessions_completed": len(done),
                "sessions_no_show": sum(s["status"] == "no_show" for s in sessions[pid]),
                "sessions_late_cancelled": sum(s["status"] == "late_cancelled" for s in sessions[pid]),
                "coaching_hours": sum(s["minutes"] for s in done) / 60,
                "is_activated": len(done) >= 1,
                "reached_midpoint": len(done) >= planned / 2,
                "is_completed": is_completed,
                "is_stalled": (status == "active" and not is_completed and (self.as_of - enrolled).days >= n
                               and not any(d > self.as_of - dt.timedelta(days=n) for d in dates)),
            }
            out[pid] = row
        return out

    def cohort_engagement(self, min_group_size: int = 5) -> dict[str, dict]:
        journey = self.journey()
        out = {}
        for cid, c in self.cohorts.items():
            people = [j for j in journey.values() if j["cohort_id"] == cid]
            sess = [s for s in self.sessions if s["cohort_id"] == cid]
            enrolled = len(people)
            activated = [j for j in people if j["is_activated"]]
            completed_sessions = sum(s["status"] == "completed" for s in sess)
            eligible = sum(s["status"] in ("completed", "no_show", "late_cancelled") for s in sess)

            def ratio(a, b):
                return a / b if b else None

            completed = sum(j["is_completed"] for j in people)
            out[cid] = {
                "cohort_id": cid, "sponsor_id": c["sponsor_id"], "enrolled": enrolled,
                "matched": sum(j["is_matched"] for j in people), "activated": len(activated),
                "reached_midpoint": sum(j["reached_midpoint"] for j in people), "completed": completed,
                "activation_rate": ratio(len(activated), enrolled),
                "median_days_to_first_session": (statistics.median([j["days_to_first_session"] for j in activated])
                                                 if activated else None),
                "sessions_completed": completed_sessions,
                "sessions_per_activated": ratio(completed_sessions, len(activated)),
                "attendance_rate": ratio(completed_sessions, eligible),
                "no_show_rate": ratio(sum(s["status"] == "no_show" for s in sess), eligible),
                "late_cancel_rate": ratio(sum(s["status"] == "late_cancelled" for s in sess), eligible),
                "completion_rate": ratio(completed, enrolled),
                "stalled": sum(j["is_stalled"] for j in people),
                "coaching_hours": sum(j["coaching_hours"] for j in people),
                "utilisation": ratio(completed_sessions, enrolled * int(c["planned_sessions"])),
                "suppressed": enrolled < min_group_size,
            }
        return out


# --- metrics of issue 4: outcomes, goals, satisfaction, costs, coach utilisation --------------

def _var(values):
    return statistics.variance(values) if len(values) >= 2 else None


class Metrics(Programme):
    """The rest of SPEC section 5, computed row by row in Python (scipy only for the t quantile)."""

    def __init__(self, landing: Path, as_of: dt.date, reporting_currency: str = "USD", gas_rho: float = 0.3,
                 default_reliability: float = 0.8, **kw):
        super().__init__(landing, as_of, **kw)
        self.currency = reporting_currency
        self.rho = gas_rho
        self.default_r = default_reliability
        self.items = {r["item_id"]: r for r in read_source(landing, "survey_items")}
        for it in self.items.values():
            it["min"], it["max"] = float(it["scale_min"]), float(it["scale_max"])
            it["reverse"] = it.get("reverse_scored", "").lower() in ("true", "1", "yes", "t", "y")
        self.responses = []
        for r in read_source(landing, "survey_responses"):
            pid = self.pid(r["participant"])
            cohort = self.cohorts[self.participants[pid]["cohort_id"]]
            r["pid"] = pid
            r["at"] = parse_instant(r["submitted_at"], cohort["tz"])
            r["score"] = float(r["score"])
            self.responses.append(r)
        self.goals = read_source(landing, "goals")
        self.costs = read_source(landing, "costs")
        self.fx = defaultdict(list)
        for f in read_source(landing, "fx_rates"):
            self.fx[f["currency"].upper()].append((dt.date.fromisoformat(f["valid_from"]), float(f["rate_to_reporting"])))
        self.coaches = {c["coach_id"]: c for c in read_source(landing, "coaches")}
        self.raw_sessions = read_source(landing, "sessions")

    def rate(self, currency: str, on: dt.date):
        currency = (currency or self.currency).upper()
        if currency == self.currency:
            return 1.0
        valid = [r for d, r in sorted(self.fx[currency]) if d <= on]
        return valid[-1] if valid else None

    # outcomes
    def competency_scores(self):
        """(response_id, competency) -> dict(pid, wave, rater, at, score)."""
        acc = {}
        for r in self.responses:
            item = self.items[r["item_id"]]
            if item["kind"].lower() != "competency":
                continue
            s = item["min"] + item["max"] - r["score"] if item["reverse"] else r["score"]
            key = (r["response_id"], item["competency"])
            a = acc.setdefault(key, {"pid": r["pid"], "wave": r["wave"].lower(), "rater": r["rater_type"].lower(),
                                     "at": r["at"], "rid": r["response_id"], "scores": []})
            a["at"] = min(a["at"], r["at"])
            a["scores"].append(s)
        for a in acc.values():
            a["score"] = sum(a["scores"]) / len(a["scores"])
        return acc

    def participant_scores(self):
        """(pid, competency, rater) -> [pre, post]."""
        out = {}
        by = defaultdict(list)
        for (rid, comp), a in self.competency_scores().items():
            if a["wave"] in ("pre", "post"):
                by[(a["pid"], comp, a["rater"], a["wave"])].append(a)
        for (pid, comp, rater, wave), rows in by.items():
            if rater == "self":
                if wave == "pre":
                    pick = min(rows, key=lambda a: (a["at"], a["rid"]))
                else:
                    pick = max(rows, key=lambda a: (a["at"], a["rid"]))
                value = pick["score"]
            else:
                value = sum(a["score"] for a in rows) / len(rows)
            out.setdefault((pid, comp, rater), [None, None])[0 if wave == "pre" else 1] = value
        return out

    def reliability(self):
        comps = defaultdict(list)
        for it in self.items.values():
            if it["kind"].lower() == "competency":
                comps[it["competency"]].append(it["item_id"])
        out = {}
        for comp, item_ids in comps.items():
            per_response = defaultdict(dict)
            meta = {}
            for r in self.responses:
                if r["item_id"] in item_ids and r["wave"].lower() == "pre" and r["rater_type"].lower() == "self":
                    it = self.items[r["item_id"]]
                    per_response[r["response_id"]][r["item_id"]] = it["min"] + it["max"] - r["score"] if it["reverse"] else r["score"]
                    at = meta.get(r["response_id"], (r["pid"], r["at"]))[1]
                    meta[r["response_id"]] = (r["pid"], min(at, r["at"]))
            earliest = {}
            for rid, answers in per_response.items():
                if len(answers) == len(item_ids):
                    pid, at = meta[rid]
                    if pid not in earliest or (at, rid) < earliest[pid][0]:
                        earliest[pid] = ((at, rid), answers)
            rows = [a for _, a in earliest.values()]
            k = len(item_ids)
            if k >= 2 and len(rows) >= 30:
                item_var = sum(_var([row[i] for row in rows]) for i in item_ids)
                total_var = _var([sum(row.values()) for row in rows])
                out[comp] = (k / (k - 1)) * (1 - item_var / total_var) if total_var else self.default_r
            else:
                out[comp] = self.default_r
        return out

    def participant_outcomes(self):
        scores = self.participant_scores()
        r = self.reliability()
        pre_by = defaultdict(list)
        for (pid, comp, rater), (pre, post) in scores.items():
            if pre is not None:
                pre_by[(comp, rater)].append(pre)
        out = {}
        for (pid, comp, rater), (pre, post) in scores.items():
            sd = statistics.stdev(pre_by[(comp, rater)]) if len(pre_by[(comp, rater)]) >= 2 else None
            rci = None
            if pre is not None and post is not None and sd:
                sdiff = 2 ** 0.5 * sd * (1 - r.get(comp, self.default_r)) ** 0.5
                rci = (post - pre) / sdiff if sdiff else None
            out[(pid, comp, rater)] = {"pre": pre, "post": post, "rci": rci}
        return out

    def _outcome_stats(self, rows, min_group_size):
        from scipy import stats as st
        paired = [o for o in rows if o["pre"] is not None and o["post"] is not None]
        n = len(paired)
        changes = [o["post"] - o["pre"] for o in paired]
        mean = lambda xs: sum(xs) / len(xs) if xs else None
        mc = mean(changes)
        sd = statistics.stdev(changes) if n >= 2 else None
        half = st.t.ppf(0.975, n - 1) * sd / n ** 0.5 if n >= 2 else None
        improved = sum(1 for o in paired if o["rci"] is not None and o["rci"] > 1.96)
        n_pre = sum(1 for o in rows if o["pre"] is not None)
        return {
            "n_paired": n, "mean_pre": mean([o["pre"] for o in paired]), "mean_post": mean([o["post"] for o in paired]),
            "mean_change": mc, "sd_change": sd,
            "ci95_low": mc - half if half is not None else None, "ci95_high": mc + half if half is not None else None,
            "hedges_g": (mc / sd) * (1 - 3 / (4 * (n - 1) - 1)) if n >= 3 and sd else None,
            "n_reliably_improved": improved,
            "n_reliably_deteriorated": sum(1 for o in paired if o["rci"] is not None and o["rci"] < -1.96),
            "pct_reliably_improved": 100 * improved / n if n else None,
            "response_rate_post": n / n_pre if n_pre else None,
            "suppressed": n < min_group_size,
        }

    def cohort_outcomes(self, min_group_size: int = 5):
        groups = defaultdict(list)
        for (pid, comp, rater), o in self.participant_outcomes().items():
            groups[(self.participants[pid]["cohort_id"], comp, rater)].append(o)
        return {(cid, comp, rater): {"cohort_id": cid, "sponsor_id": self.cohorts[cid]["sponsor_id"],
                                     "competency": comp, "rater_type": rater,
                                     **self._outcome_stats(rows, min_group_size)}
                for (cid, comp, rater), rows in groups.items()}

    def reported_cohorts(self, min_group_size: int = 5) -> set:
        """Cohorts a sponsor page reports: at least min_group_size participant rows."""
        enrolled = defaultdict(int)
        for p in self.participants.values():
            enrolled[p["cohort_id"]] += 1
        return {c for c in self.cohorts if enrolled[c] >= min_group_size}

    def sponsor_outcomes(self, min_group_size: int = 5):
        groups = defaultdict(list)
        reported = self.reported_cohorts(min_group_size)
        for (pid, comp, rater), o in self.participant_outcomes().items():
            if self.participants[pid]["cohort_id"] not in reported:
                continue
            sponsor = self.cohorts[self.participants[pid]["cohort_id"]]["sponsor_id"]
            groups[(sponsor, comp, rater)].append(o)
        return {key: {"sponsor_id": key[0], "competency": key[1], "rater_type": key[2],
                      **self._outcome_stats(rows, min_group_size)} for key, rows in groups.items()}

    def sponsor_summary(self, min_group_size: int = 5):
        journey = self.journey()
        goals = self.cohort_goals(min_group_size)
        satisfaction = self.cohort_satisfaction(min_group_size)
        costs = self.cohort_costs()
        reported = self.reported_cohorts(min_group_size)
        improved = defaultdict(set)
        for (pid, comp, rater), o in self.participant_outcomes().items():
            if o["rci"] is not None and o["rci"] > 1.96 and self.participants[pid]["cohort_id"] in reported:
                improved[self.cohorts[self.participants[pid]["cohort_id"]]["sponsor_id"]].add(pid)
        sponsors = {r["sponsor_id"]: r["sponsor_name"] for r in read_source(self.landing, "sponsors")}
        out = {}
        div = lambda a, b: a / b if b else None
        for sid, name in sponsors.items():
            all_cids = [c for c, row in self.cohorts.items() if row["sponsor_id"] == sid]
            cids = [c for c in all_cids if c in reported]
            people = [j for j in journey.values() if j["cohort_id"] in cids]
            sess = [x for x in self.sessions if x["cohort_id"] in cids]
            done = sum(x["status"] == "completed" for x in sess)
            eligible = sum(x["status"] in ("completed", "no_show", "late_cancelled") for x in sess)
            activated = [j for j in people if j["is_activated"]]
            nps_cids = [c for c in cids if not satisfaction[c]["suppressed"]]
            goal_cids = [c for c in cids if not goals[c]["suppressed"]]
            nps_n = sum(satisfaction[c]["nps_responses"] for c in nps_cids)
            promoters = sum(satisfaction[c]["promoters"] for c in nps_cids)
            detractors = sum(satisfaction[c]["detractors"] for c in nps_cids)
            gas_n = sum(goals[c]["n_gas_participants"] for c in goal_cids)
            gas_sum = sum(goals[c]["mean_gas_tscore"] * goals[c]["n_gas_participants"] for c in goal_cids
                          if goals[c]["n_gas_participants"])
            total = sum(costs[c]["total_cost"] for c in cids)
            out[sid] = {
                "sponsor_id": sid, "sponsor_name": name, "cohorts": len(all_cids), "cohorts_reported": len(cids),
                "enrolled": len(people),
                "matched": sum(j["is_matched"] for j in people), "activated": len(activated),
                "reached_midpoint": sum(j["reached_midpoint"] for j in people),
                "completed": sum(j["is_completed"] for j in people),
                "activation_rate": div(len(activated), len(people)), "attendance_rate": div(done, eligible),
                "completion_rate": div(sum(j["is_completed"] for j in people), len(people)),
                "median_days_to_first_session": (statistics.median([j["days_to_first_session"] for j in activated])
                                                 if activated else None),
                "sessions_completed": done, "coaching_hours": sum(j["coaching_hours"] for j in people),
                "nps_responses": nps_n, "nps": div(100 * (promoters - detractors), nps_n),
                "participants_with_goals": sum(goals[c]["participants_with_goals"] for c in goal_cids),
                "goals_set": sum(goals[c]["goals_set"] for c in goal_cids),
                "goals_achieved": sum(goals[c]["goals_achieved"] for c in goal_cids),
                "n_gas_participants": gas_n, "mean_gas_tscore": div(gas_sum, gas_n),
                "reliably_improved": len(improved[sid]), "total_cost": total,
                "cost_per_enrolled": div(total, len(people)), "cost_per_reliably_improved": div(total, len(improved[sid])),
                "suppressed": len(people) < min_group_size,
            }
        return out

    # goals
    def cohort_goals(self, min_group_size: int = 5):
        by_goal = defaultdict(list)
        for g in self.goals:
            by_goal[g["goal_id"]].append(g)
        order = lambda g: (g.get("rated_on") or "0000-00-00")
        out = {cid: {"goals": set(), "people": set(), "achieved": 0, "not_abandoned": 0, "t": {}} for cid in self.cohorts}
        people_goals = defaultdict(list)
        for gid, rows in by_goal.items():
            latest = max(rows, key=order)
            pid = self.pid(latest["participant"])
            cid = self.participants[pid]["cohort_id"]
            status = latest["status"].lower()
            c = out[cid]
            c["goals"].add(gid)
            c["people"].add(pid)
            c["achieved"] += status == "achieved"
            c["not_abandoned"] += status != "abandoned"
            scored = [g for g in rows if g.get("gas_score")]
            if status != "abandoned" and scored:
                s = max(scored, key=order)
                people_goals[(cid, pid)].append((float(s.get("weight") or 1), float(s["gas_score"])))
        for (cid, pid), pairs in people_goals.items():
            sw = sum(w for w, _ in pairs)
            denom = ((1 - self.rho) * sum(w * w for w, _ in pairs) + self.rho * sw * sw) ** 0.5
            out[cid]["t"][pid] = 50 + 10 * sum(w * x for w, x in pairs) / denom
        result = {}
        for cid, c in out.items():
            ts = list(c["t"].values())
            result[cid] = {"cohort_id": cid, "sponsor_id": self.cohorts[cid]["sponsor_id"], "goals_set": len(c["goals"]),
                           "participants_with_goals": len(c["people"]), "goals_achieved": c["achieved"],
                           "goal_achievement_rate": c["achieved"] / c["not_abandoned"] if c["not_abandoned"] else None,
                           "n_gas_participants": len(ts), "mean_gas_tscore": sum(ts) / len(ts) if ts else None,
                           "suppressed": len(c["people"]) < min_group_size}
        return result

    # satisfaction
    def cohort_satisfaction(self, min_group_size: int = 5):
        latest = {}
        sat = defaultdict(list)
        sat_ids = defaultdict(set)
        for r in self.responses:
            item = self.items[r["item_id"]]
            cid = self.participants[r["pid"]]["cohort_id"]
            if item["kind"].lower() == "nps" and r["rater_type"].lower() == "self":
                key = (r["at"], r["response_id"], r["item_id"])
                if r["pid"] not in latest or key > latest[r["pid"]][0]:
                    latest[r["pid"]] = (key, r["score"])
            if item["kind"].lower() == "satisfaction":
                sat[cid].append((r["score"] - item["min"]) / (item["max"] - item["min"]))
                sat_ids[cid].add(r["response_id"])
        nps = defaultdict(list)
        for pid, (_, score) in latest.items():
            nps[self.participants[pid]["cohort_id"]].append(score)
        out = {}
        for cid in self.cohorts:
            s = nps[cid]
            p, d = sum(x >= 9 for x in s), sum(x <= 6 for x in s)
            out[cid] = {"cohort_id": cid, "sponsor_id": self.cohorts[cid]["sponsor_id"], "nps_responses": len(s),
                        "promoters": p, "passives": len(s) - p - d, "detractors": d,
                        "nps": 100 * (p - d) / len(s) if s else None,
                        "mean_session_rating": sum(sat[cid]) / len(sat[cid]) if sat[cid] else None,
                        "satisfaction_responses": len(sat_ids[cid]), "suppressed": len(s) < min_group_size}
        return out

    # costs
    def allocated_costs(self):
        enrolled = defaultdict(int)
        for p in self.participants.values():
            enrolled[p["cohort_id"]] += 1
        by_sponsor = defaultdict(list)
        for cid, c in self.cohorts.items():
            by_sponsor[c["sponsor_id"]].append(cid)
        rows = []
        for c in self.costs:
            on = dt.date.fromisoformat(c["incurred_on"])
            value = float(c["amount"]) * self.rate(c["currency"], on)
            if c.get("cohort_id"):
                shares = {c["cohort_id"]: 1.0}
            else:
                cohorts = by_sponsor[c["sponsor_id"]]
                total = sum(enrolled[x] for x in cohorts)
                shares = {x: (enrolled[x] / total if total else 1 / len(cohorts)) for x in cohorts}
            for cid, share in shares.items():
                if share > 0:
                    rows.append({"cohort_id": cid, "month": on.replace(day=1), "category": c["category"].lower(),
                                 "amount": value * share, "session_id": c.get("session_id") or None})
        return rows

    def cohort_costs(self):
        engagement = self.cohort_engagement()
        outcomes = self.participant_outcomes()
        improved = defaultdict(set)
        for (pid, comp, rater), o in outcomes.items():
            if o["rci"] is not None and o["rci"] > 1.96:
                improved[self.participants[pid]["cohort_id"]].add(pid)
        missed_ids = {s["session_id"] for s, c in zip(self.raw_sessions, self.sessions)
                      if c["status"] in ("no_show", "late_cancelled")}
        rows = self.allocated_costs()
        out = {}
        for cid, c in self.cohorts.items():
            mine = [r for r in rows if r["cohort_id"] == cid]
            total = sum(r["amount"] for r in mine)
            cats = {k: sum(r["amount"] for r in mine if r["category"] == k)
                    for k in ("coaching_fee", "licence", "assessment", "administration", "other")}
            start, end = dt.date.fromisoformat(c["start_date"]), dt.date.fromisoformat(c["end_date"])
            budget = None
            if c.get("budget_amount"):
                rate = self.rate(c.get("currency") or self.currency, start)
                budget = float(c["budget_amount"]) * rate if rate is not None else None
            e = engagement[cid]
            div = lambda a, b: a / b if b else None
            days = (end - start).days + 1
            elapsed = min((self.as_of - start).days + 1, days)
            out[cid] = {"cohort_id": cid, "sponsor_id": c["sponsor_id"], "total_cost": total, **cats, "budget": budget,
                        "budget_used_pct": 100 * total / budget if budget else None,
                        "cost_per_enrolled": div(total, e["enrolled"]), "cost_per_activated": div(total, e["activated"]),
                        "cost_per_completed": div(total, e["completed"]),
                        "cost_per_session": div(total, e["sessions_completed"]),
                        "cost_per_coaching_hour": div(total, e["coaching_hours"]),
                        "cost_per_reliably_improved": div(total, len(improved[cid])),
                        "spend_on_missed_sessions": sum(r["amount"] for r in mine if r["category"] == "coaching_fee"
                                                        and r["session_id"] in missed_ids),
                        "forecast_total_at_end": total if self.as_of < start else total / elapsed * days}
        return out

    def monthly_costs(self):
        acc = defaultdict(float)
        for r in self.allocated_costs():
            acc[(self.cohorts[r["cohort_id"]]["sponsor_id"], r["cohort_id"], r["month"], r["category"])] += r["amount"]
        return dict(acc)

    def coach_utilisation(self):
        ratings = defaultdict(list)
        for r in self.responses:
            item = self.items[r["item_id"]]
            if item["kind"].lower() == "satisfaction" and r.get("session_id"):
                ratings[r["session_id"]].append((r["score"] - item["min"]) / (item["max"] - item["min"]))
        acc = {}
        for raw, s in zip(self.raw_sessions, self.sessions):
            if s["status"] != "completed":
                continue
            coach = raw["coach"] if raw["coach"] in self.coaches else next(
                k for k, c in self.coaches.items() if c["email"].lower() == raw["coach"].lower())
            key = (coach, s["local_date"].replace(day=1))
            a = acc.setdefault(key, {"sessions": 0, "minutes": 0.0, "people": set(), "ratings": []})
            a["sessions"] += 1
            a["minutes"] += s["minutes"]
            a["people"].add(s["pid"])
            a["ratings"] += ratings.get(raw["session_id"], [])
        out = {}
        for (coach, month), a in acc.items():
            cap = self.coaches[coach].get("monthly_capacity_hours")
            cap = float(cap) if cap else None
            hours = a["minutes"] / 60
            out[(coach, month)] = {"coach_id": coach, "month": month, "sessions": a["sessions"], "hours": hours,
                                   "capacity": cap, "utilisation": hours / cap if cap else None,
                                   "participants": len(a["people"]),
                                   "mean_session_rating": sum(a["ratings"]) / len(a["ratings"]) if a["ratings"] else None}
        return out
