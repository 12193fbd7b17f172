"""What a refresh run came to: the problems that failed it (read from its Dagster events) and the stale
sources (read from marts.data_quality, where freshness is decided).

The same reading serves the command line (the events of `execute_in_process`), the resource that publishes a
failed run's manifest (the run's event log) and the alert sensors of the schedule.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Outcome:
    run_id: str
    success: bool
    problems: list[str] = field(default_factory=list)   # what failed, each saying what to fix
    stale: list[str] = field(default_factory=list)      # "<source>: <why>"

    @property
    def status(self) -> str:
        return "failed" if not self.success else ("stale" if self.stale else "ok")

    def summary(self, warehouse: str = "", site: str = "") -> str:
        """Plain text a lead can act on: used by alerts and by the failure page."""
        head = {"failed": "coachlens refresh FAILED", "stale": "coachlens refresh finished with STALE data",
                "ok": "coachlens refresh finished"}[self.status]
        lines = [f"{head} (run {self.run_id})"]
        if self.problems:
            lines.append("What to fix:")
            lines += [f"  - {p}" for p in self.problems]
        if self.stale:
            lines.append("Stale sources (no new file within the maximum age):")
            lines += [f"  - {s}" for s in self.stale]
        if self.status == "failed":
            lines.append("The last good marts, sponsor and finance pages were kept; this run's manifest, "
                         "quarantine and operations page were published.")
        if warehouse:
            lines.append(f"Warehouse: {warehouse}")
        if site:
            lines.append(f"Operations page: {site}/operations.html")
        return "\n".join(lines)

    def as_json(self) -> dict:
        return {"run_id": self.run_id, "status": self.status, "problems": self.problems, "stale": self.stale}


def _dagster_event(event):
    """An EventLogEntry (from the instance) or a DagsterEvent (from execute_in_process): the DagsterEvent."""
    return getattr(event, "dagster_event", event)


def read_outcome(run_id: str, events, failed_files: list[tuple[str, str]] = (), success: bool | None = None) -> Outcome:
    """Problems in the order a lead should fix them: unreadable files first, then failed checks and steps.
    The stale sources are not in the events: a caller that has the published warehouse adds stale_sources."""
    events = [e for e in (_dagster_event(entry) for entry in events) if e is not None]
    failed_files = list(failed_files) or _failed_files_of(events)
    problems = [f"{path}: {message}" for path, message in failed_files]
    failed_steps = False
    skipped = []
    for event in events:
        kind = event.event_type_value
        if kind == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            if data.passed:
                continue
            if data.severity.value == "ERROR" and not (data.check_name == "files_readable" and failed_files):
                problems.append(f"check {data.check_name} on {data.asset_key.to_user_string()} failed"
                                f"{': ' + data.description if data.description else ''}")
        elif kind == "STEP_FAILURE":
            failed_steps = True
            err = event.event_specific_data.error
            while err is not None and err.cause is not None:
                err = err.cause
            message = err.message.strip().splitlines()[0] if err and err.message else "failed"
            if "DagsterAssetCheckFailedError" not in message:  # the failed check itself is reported above
                problems.append(f"step {event.step_key} failed: {message}")
        elif kind == "STEP_SKIPPED":
            skipped.append(event.step_key)
    if skipped and not failed_steps:  # Dagster calls such a run a success, but nothing was published
        problems += [f"step {step} did not run: an asset it reads was not produced (a bug: report it)"
                     for step in skipped]
        success = False
    problems = list(dict.fromkeys(problems))
    if success is None:
        success = not problems and not failed_steps
    return Outcome(run_id, success, problems)


def _failed_files_of(events) -> list[tuple[str, str]]:
    """(path, message) of the unreadable files, from the metadata of the failed `files_readable` checks."""
    out = []
    for event in events:
        if event.event_type_value != "ASSET_CHECK_EVALUATION":
            continue
        data = event.event_specific_data
        if data.check_name == "files_readable" and not data.passed:
            value = data.metadata.get("failed_files")
            out += [(f["file"], f["message"]) for f in (getattr(value, "value", None) or [])]
    return sorted(out)


def failed_files(con) -> list[tuple[str, str]]:
    """(path, message) of every file of the run's manifest that could not be read."""
    return [tuple(r) for r in con.execute(
        "SELECT path, message FROM raw.file_manifest WHERE status = 'failed' ORDER BY path").fetchall()]


def stale_sources(con) -> list[str]:
    """"<source>: <why>" of every source marts.data_quality does not find fresh (its is_fresh decides)."""
    rows = con.execute("""SELECT source, last_loaded_at, max_age_hours FROM marts.data_quality
                          WHERE NOT is_fresh ORDER BY source""").fetchall()
    return [f"{source}: newest file first loaded {str(loaded)[:19]}, more than the maximum age of {hours:g} h "
            "before the refresh started" if loaded is not None else
            f"{source}: no file loaded; the maximum age is {hours:g} h" for source, loaded, hours in rows]


def published_stale_sources(warehouse) -> list[str]:
    """stale_sources of a published warehouse file ([] when it cannot be read)."""
    import duckdb

    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return stale_sources(con)
    except duckdb.Error:
        return []
