"""An independent implementation of docs/metrics.md in plain Python (csv, datetime, zoneinfo),
used by the end-to-end tests to check the dbt marts. It shares no code with the pipeline and
reads only clean landing folders (the generator's output): no validation here."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
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
    """The rest of docs/metrics.md, computed row by row in Python (scipy only for the t quantile)."""

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
                                     **self._outcome_stats(rows, min_group_size), **self._itt(rows)}
                for (cid, comp, rater), rows in groups.items()}

    def reported_cohorts(self, min_group_size: int = 5) -> set:
        """Cohorts a sponsor page reports: at least min_group_size participant rows."""
        enrolled = defaultdict(int)
        for p in self.participants.values():
            enrolled[p["cohort_id"]] += 1
        return {c for c in self.cohorts if enrolled[c] >= min_group_size}

    @staticmethod
    def _itt(rows):
        """Intention to treat: every participant with a pre score, no post score counting as no change."""
        started = [o for o in rows if o["pre"] is not None]
        changes = [(o["post"] - o["pre"]) if o["post"] is not None else 0.0 for o in started]
        improved = [o for o in started if o["post"] is not None and o["rci"] is not None and o["rci"] > 1.96]
        n = len(started)
        return {"n_with_pre": n, "itt_mean_change": sum(changes) / n if n else None,
                "pct_reliably_improved_itt": 100 * len(improved) / n if n else None}

    # durability
    def follow_up_scores(self):
        """(pid, competency, rater) -> follow-up score: self the latest response, observers the mean."""
        by = defaultdict(list)
        for (rid, comp), a in self.competency_scores().items():
            if a["wave"] == "follow_up":
                by[(a["pid"], comp, a["rater"])].append(a)
        out = {}
        for key, rows in by.items():
            if key[2] == "self":
                out[key] = sorted(rows, key=lambda a: (a["at"], a["rid"]))[-1]["score"]
            else:
                out[key] = statistics.fmean(a["score"] for a in rows)
        return out

    def cohort_durability(self, min_group_size: int = 5):
        from scipy import stats as st
        follow_up = self.follow_up_scores()
        r = self.reliability()
        pre_by = defaultdict(list)
        for (pid, comp, rater), (pre, post) in self.participant_scores().items():
            if pre is not None:
                pre_by[(comp, rater)].append(pre)
        groups = defaultdict(list)
        for key, (pre, post) in self.participant_scores().items():
            if post is None or key not in follow_up:
                continue
            pid, comp, rater = key
            fu = follow_up[key]
            sd = statistics.stdev(pre_by[(comp, rater)]) if len(pre_by[(comp, rater)]) >= 2 else 0.0
            s_diff = math.sqrt(2) * sd * math.sqrt(1 - r.get(comp, self.default_r))
            improved_post = pre is not None and s_diff > 0 and (post - pre) / s_diff > 1.96
            improved_fu = pre is not None and s_diff > 0 and (fu - pre) / s_diff > 1.96
            groups[(self.participants[pid]["cohort_id"], comp, rater)].append((post, fu, improved_post, improved_fu))
        out = {}
        for (cid, comp, rater), rows in groups.items():
            n = len(rows)
            diffs = [fu - post for post, fu, _, _ in rows]
            mean = statistics.fmean(diffs)
            sd = statistics.stdev(diffs) if n > 1 else None
            half = st.t.ppf(0.975, n - 1) * sd / math.sqrt(n) if n > 1 else None
            sustained = sum(1 for *_, ip, ifu in rows if ip and ifu)
            faded = sum(1 for *_, ip, ifu in rows if ip and not ifu)
            out[(cid, comp, rater)] = {
                "cohort_id": cid, "sponsor_id": self.cohorts[cid]["sponsor_id"], "competency": comp,
                "rater_type": rater, "n_followed": n, "mean_post": statistics.fmean(p for p, *_ in rows),
                "mean_follow_up": statistics.fmean(f for _, f, *_ in rows), "mean_change_since_post": mean,
                "sd_change": sd, "ci95_low": None if half is None else mean - half,
                "ci95_high": None if half is None else mean + half, "n_sustained": sustained, "n_faded": faded,
                "pct_sustained": 100 * sustained / (sustained + faded) if sustained + faded else None,
                "suppressed": n < min_group_size}
        return out

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


class Comparison:
    """cohort_comparison of docs/metrics.md, person by person: participants linked to an employee by an
    email exactly one employee has, colleagues who are participants of no cohort, strata (job_level,
    department, region) with blank as its own value, the comparison weighted to the participants' strata."""

    def __init__(self, landing: Path, as_of: dt.date, window_days: int = 365):
        self.as_of, self.window = as_of, window_days
        self.cohorts = {r["cohort_id"]: r for r in read_source(landing, "cohorts")}
        self.participants = read_source(landing, "participants")
        self.employees = read_source(landing, "employees")
        emails = defaultdict(list)
        for e in self.employees:
            emails[e["email"].lower()].append(e)
        self.employee_of = {p["participant_id"]: emails[p["email"].lower()][0] for p in self.participants
                            if len(emails.get(p["email"].lower(), [])) == 1}
        taken = {p["email"].lower() for p in self.participants}
        self.pool = [e for e in self.employees if e["email"].lower() not in taken]
        self.events = defaultdict(list)
        self.events_exist = False
        for ev in read_source(landing, "hr_events"):
            self.events_exist = True
            self.events[ev["employee_id"]].append(
                (ev["event"].lower(), dt.date.fromisoformat(ev["event_on"]), float(ev["value"]) if ev["value"] else None))

    @staticmethod
    def _date(text):
        return dt.date.fromisoformat(text) if text else None

    def _outcomes(self, e, start, end):
        """{outcome: value} of one employee for the window start..end (only the outcomes it has a value for)."""
        hired, left = self._date(e["hired_on"]), self._date(e["left_on"])
        if hired > start or (left is not None and left < start):
            return None  # not employed on start_date
        out = {}
        left_in_window = left is not None and left <= end
        if not (left_in_window and e.get("exit_type", "").lower() == "involuntary"):
            out["retention"] = 0.0 if left_in_window else 1.0
        evs = self.events[e["employee_id"]]
        if self.events_exist:
            out["promotion"] = 1.0 if any(k == "promotion" and start <= d <= end for k, d, _ in evs) else 0.0
        before_from = start - dt.timedelta(days=self.window)
        inside = sorted((d, v) for k, d, v in evs if k == "rating" and start <= d <= end)
        before = sorted((d, v) for k, d, v in evs if k == "rating" and before_from <= d < start)
        if inside and before:
            out["rating"] = inside[-1][1] - before[-1][1]
        return out

    @staticmethod
    def _stratum(e):
        return (e.get("job_level", ""), e.get("department", ""), e.get("region", ""))

    def cohort_comparison(self, min_group_size: int = 5):
        result = {}
        self._balance = {}
        for cid, c in self.cohorts.items():
            start = dt.date.fromisoformat(c["start_date"])
            if start > self.as_of:
                continue
            end = min(start + dt.timedelta(days=self.window - 1), self.as_of)
            mine = [self.employee_of[p["participant_id"]] for p in self.participants
                    if p["cohort_id"] == cid and p["participant_id"] in self.employee_of]
            part = [(self._stratum(e), o) for e in mine if (o := self._outcomes(e, start, end)) is not None]
            pool = [(self._stratum(e), o) for e in self.pool if (o := self._outcomes(e, start, end)) is not None]
            for outcome in ("retention", "promotion", "rating"):
                need = 2 if outcome == "rating" else 1
                comp_by = defaultdict(list)
                for s, o in pool:
                    if outcome in o:
                        comp_by[s].append(o[outcome])
                with_value = [(s, o[outcome]) for s, o in part if outcome in o]
                matched = [(s, v) for s, v in with_value if len(comp_by[s]) >= need]
                if not matched:
                    continue
                n_p = len(matched)
                p_vals = [v for _, v in matched]
                p_val = sum(p_vals) / n_p
                strata = defaultdict(int)
                for s, _ in matched:
                    strata[s] += 1
                comp_value = comp_var = 0.0
                for s, n_ps in strata.items():
                    w = n_ps / n_p
                    cv = comp_by[s]
                    mean_c = sum(cv) / len(cv)
                    comp_value += w * mean_c
                    unit = statistics.variance(cv) if outcome == "rating" else mean_c * (1 - mean_c)
                    comp_var += w * w * unit / len(cv)
                if outcome == "rating":
                    variance = statistics.variance(p_vals) / n_p + comp_var if n_p >= 2 else None
                else:
                    variance = p_val * (1 - p_val) / n_p + comp_var
                n_c = sum(len(comp_by[s]) for s in strata)
                self._balance[(cid, outcome)] = {s: (n_ps, len(comp_by[s])) for s, n_ps in strata.items()}
                diff = p_val - comp_value
                half = 1.96 * math.sqrt(variance) if variance is not None else None
                result[(cid, outcome)] = {
                    "cohort_id": cid, "sponsor_id": c["sponsor_id"], "outcome": outcome,
                    "window_days": (end - start).days + 1, "n_participants": n_p, "n_comparison": n_c,
                    "n_unmatched": len(with_value) - n_p, "participant_value": p_val, "comparison_value": comp_value,
                    "difference": diff, "ci95_low": None if half is None else diff - half,
                    "ci95_high": None if half is None else diff + half,
                    "suppressed": n_p < min_group_size or n_c < min_group_size}
        return result

    def cohort_comparison_balance(self, min_group_size: int = 5):
        """(cohort, outcome, dimension, value) -> counts and shares of the matched strata, one dimension at a time."""
        self.cohort_comparison(min_group_size)
        out = {}
        for (cid, outcome), strata in self._balance.items():
            for d, dimension in enumerate(("job_level", "department", "region")):
                cells = defaultdict(lambda: [0, 0])
                for stratum, (n_p, n_c) in strata.items():
                    cells[stratum[d] or "(blank)"][0] += n_p
                    cells[stratum[d] or "(blank)"][1] += n_c
                total_p = sum(c[0] for c in cells.values())
                total_c = sum(c[1] for c in cells.values())
                for value, (n_p, n_c) in cells.items():
                    out[(cid, outcome, dimension, value)] = {
                        "sponsor_id": self.cohorts[cid]["sponsor_id"], "n_participants": n_p, "n_comparison": n_c,
                        "pct_participants": 100 * n_p / total_p, "pct_comparison_unweighted": 100 * n_c / total_c,
                        "pct_comparison_weighted": 100 * n_p / total_p,
                        "suppressed": n_p < min_group_size or n_c < min_group_size}
        return out


class Value:
    """cohort_value and sponsor_value of docs/metrics.md (Phillips ROI), from the other reference results."""

    def __init__(self, metrics: Metrics, comparison: Comparison, participant_hour_cost: float = 0.0,
                 replacement_cost: float | None = None, estimate_discount: float = 0.0):
        self.m, self.c = metrics, comparison
        self.hour_cost, self.replacement, self.discount = participant_hour_cost, replacement_cost, estimate_discount

    def benefits(self) -> dict[str, float | None]:
        """participant -> b from their latest self response holding all three impact items (None: no estimate)."""
        kinds = {i: it["kind"].lower() for i, it in self.m.items.items() if it["kind"].lower().startswith("impact_")}
        responses: dict[str, dict] = {}
        for r in self.m.responses:
            if r["item_id"] in kinds and r["rater_type"].lower() == "self":
                a = responses.setdefault(r["response_id"], {"pid": r["pid"], "at": r["at"], "scores": defaultdict(list)})
                a["at"] = min(a["at"], r["at"])
                a["scores"][kinds[r["item_id"]]].append(r["score"])
        latest: dict[str, tuple] = {}
        for rid, a in responses.items():
            if len(a["scores"]) == 3 and (a["pid"] not in latest or (a["at"], rid) > latest[a["pid"]][0]):
                latest[a["pid"]] = ((a["at"], rid), a["scores"])
        out = {}
        for pid, (_, s) in latest.items():
            mean = lambda xs: sum(xs) / len(xs)
            out[pid] = (mean(s["impact_value"]) * mean(s["impact_attribution"]) / 100
                        * mean(s["impact_confidence"]) / 100 * (1 - self.discount))
        return out

    def _figures(self, enrolled, bs, n_est, avoided, b_ret, se_ret, cost_programme, hours):
        se_est = math.sqrt(len(bs)) * statistics.stdev(bs) if len(bs) >= 2 else None
        total = sum(bs) + b_ret
        time_cost = hours * self.hour_cost
        cost = cost_programme + time_cost
        half = 1.96 * math.sqrt(se_est ** 2 + se_ret ** 2) if se_est is not None else None
        roi = lambda b: None if b is None or not cost else 100 * (b - cost) / cost
        low = None if half is None else total - half
        high = None if half is None else total + half
        return {"enrolled": enrolled, "n_estimates": n_est, "benefit_estimated": sum(bs), "se_estimated": se_est,
                "avoided_exits": avoided, "benefit_retention": b_ret, "se_retention": se_ret,
                "benefit_total": total, "benefit_low": low, "benefit_high": high, "cost_programme": cost_programme,
                "cost_participant_time": time_cost, "cost_fully_loaded": cost, "bcr": total / cost if cost else None,
                "roi_pct": roi(total), "roi_pct_low": roi(low), "roi_pct_high": roi(high),
                "estimate_discount": self.discount, "replacement_cost": self.replacement,
                "participant_hour_cost": self.hour_cost}

    def cohort_value(self, min_group_size: int = 5):
        b = self.benefits()
        journey = self.m.journey()
        costs = self.m.cohort_costs()
        comparison = self.c.cohort_comparison(min_group_size)
        out = {}
        for cid, cohort in self.m.cohorts.items():
            people = [pid for pid, p in self.m.participants.items() if p["cohort_id"] == cid]
            bs = [b.get(pid) or 0.0 for pid in people]
            row = comparison.get((cid, "retention"))
            avoided = b_ret = se_ret = 0.0
            if row:
                avoided = row["difference"] * row["n_participants"]
                if self.replacement is not None:
                    b_ret = avoided * self.replacement
                    se_ret = (row["ci95_high"] - row["difference"]) / 1.96 * row["n_participants"] * self.replacement
            hours = sum(journey[pid]["coaching_hours"] for pid in people)
            out[cid] = {"cohort_id": cid, "sponsor_id": cohort["sponsor_id"], "has_comparison": row is not None,
                        "comparison_suppressed": bool(row and row["suppressed"]),
                        **self._figures(len(people), bs, sum(1 for pid in people if pid in b), avoided, b_ret, se_ret,
                                        costs[cid]["total_cost"], hours),
                        "suppressed": len(people) < min_group_size}
        return out

    def sponsor_value(self, min_group_size: int = 5):
        b = self.benefits()
        cohorts = self.cohort_value(min_group_size)
        out = {}
        for sid in {c["sponsor_id"] for c in self.m.cohorts.values()}:
            reported = self.m.reported_cohorts(min_group_size)  # a suppressed cohort is in no sponsor total
            mine = [c for c in cohorts.values() if c["sponsor_id"] == sid and c["cohort_id"] in reported]
            compared = [c for c in mine if c["has_comparison"] and not c["comparison_suppressed"]]
            people = [pid for pid, p in self.m.participants.items() if p["cohort_id"] in reported
                      and self.m.cohorts[p["cohort_id"]]["sponsor_id"] == sid]
            journey = self.m.journey()
            out[sid] = {"sponsor_id": sid, "cohorts_compared": len(compared), "has_comparison": bool(compared),
                        **self._figures(len(people), [b.get(pid) or 0.0 for pid in people],
                                        sum(1 for pid in people if pid in b), sum(c["avoided_exits"] for c in compared),
                                        sum(c["benefit_retention"] for c in compared),
                                        math.sqrt(sum(c["se_retention"] ** 2 for c in compared)),
                                        sum(c["cost_programme"] for c in mine),
                                        sum(journey[pid]["coaching_hours"] for pid in people)),
                        "suppressed": len(people) < min_group_size}
        return out
