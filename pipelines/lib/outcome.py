"""What a refresh run came to, read from its Dagster events: the problems that failed it, the stale sources.

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
    """Problems in the order a lead should fix them: unreadable files first, then failed checks and steps."""
    events = [e for e in (_dagster_event(entry) for entry in events) if e is not None]
    failed_files = list(failed_files) or _failed_files_of(events)
    problems = [f"{path}: {message}" for path, message in failed_files]
    stale, failed_steps = [], False
    for event in events:
        kind = event.event_type_value
        if kind == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            if data.passed:
                continue
            if data.check_name == "freshness":
                stale.append(f"{data.asset_key.path[-1]}: {data.description}")
            elif data.severity.value == "ERROR" and not (data.check_name == "files_readable" and failed_files):
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
    problems = list(dict.fromkeys(problems))
    if success is None:
        success = not problems and not failed_steps
    return Outcome(run_id, success, problems, list(dict.fromkeys(stale)))


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
