"""The coachlens command: generate, refresh, validate, forget, verify, serve, map, config, demo."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from pipelines.lib.config import PROJECT_ROOT, ConfigError, load_config

DAGSTER_YAML = """# written by coachlens: one run at a time writes the DuckDB file
concurrency:
  runs:
    max_concurrent_runs: 1
telemetry:
  enabled: false
"""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _overrides(args) -> dict:
    """The flags that win over coachlens.toml and the environment (config keys of the same name)."""
    return {k: getattr(args, k, None) for k in ("landing", "warehouse", "site", "as_of")}


def dagster_home() -> Path:
    home = Path(os.environ.get("DAGSTER_HOME") or PROJECT_ROOT / "data" / "dagster_home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    yaml_path = home / "dagster.yaml"
    if not yaml_path.exists():
        yaml_path.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


# --- generate --------------------------------------------------------------------

def cmd_generate(args) -> int:
    from pipelines.lib.generate import generate

    out = Path(args.out)
    if out.exists() and any(out.iterdir()) and not (out / "_truth.json").exists():
        print(f"error: {out} is not empty and was not made by coachlens generate; choose an empty folder",
              file=sys.stderr)
        return 2
    if out.exists() and (out / "_truth.json").exists():
        shutil.rmtree(out)
    cfg = load_config()
    as_of = args.as_of or cfg.resolved_as_of()
    t0 = time.monotonic()
    print(f"generating {args.participants:,} participants (seed {args.seed}, as of {as_of}) into {out}")
    counts = generate(out, args.participants, args.seed, as_of, progress=print if args.participants > 5000 else lambda m: None)
    for source, n in counts.items():
        print(f"  {source:<17} {n:>12,} rows")
    print(f"done in {time.monotonic() - t0:.1f} s")
    return 0


# --- refresh ---------------------------------------------------------------------

def run_refresh(overrides: dict | None = None, quiet: bool = False, full: bool = False) -> int:
    """Run the refresh job in this process (the same job the schedule runs) and print a summary."""
    cfg = load_config(overrides=overrides)
    if not cfg.landing.is_dir():
        print(f"error: the landing folder {cfg.landing} does not exist (set 'landing' in coachlens.toml or pass "
              "--landing)", file=sys.stderr)
        return 2
    from pipelines.lib.workspace import RefreshLock, RefreshLocked, Workspace

    ws = Workspace(cfg.warehouse, cfg.site)
    try:  # fail fast, with a clear message, when another refresh holds the warehouse
        probe = RefreshLock(ws.lock_path)
        probe.acquire()
    except RefreshLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    try:  # nothing changed since the published refresh: done, before Dagster and dbt are imported
        from pipelines.lib.no_change import report_unchanged

        unchanged = None if full else report_unchanged(cfg)
    finally:
        probe.release()
    if unchanged is not None:
        return unchanged
    import dagster as dg

    dagster_home()
    from pipelines.definitions import defs
    from pipelines.defs.alerts import CLI_TAG
    from pipelines.defs.resources import CoachlensResource

    job = defs.resolve_job_def("refresh")
    t0 = time.monotonic()
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance, raise_on_error=False, tags={CLI_TAG: "cli"},
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}},
                        "resources": {"coachlens": CoachlensResource.run_config(cfg, full, not quiet)}})
    elapsed = time.monotonic() - t0
    return _summarise(result, cfg, ws, elapsed)


def _summarise(result, cfg, ws, elapsed: float) -> int:
    """Print what each source loaded, send the alerts, and say how the refresh ended: its exit code."""
    from pipelines.lib.alerts import alert_on
    from pipelines.lib.outcome import read_outcome

    print()
    failed, stale = _print_sources(ws.warehouse, result.success)
    print()
    outcome = read_outcome(result.run_id, result.all_events, failed, success=result.success)
    outcome.stale = stale
    alert_on(outcome, cfg.alerts, str(cfg.warehouse), str(cfg.site), log=lambda m: print(m, file=sys.stderr))
    if outcome.success:
        return _report_published(cfg, outcome, elapsed)
    return _report_failed(cfg, outcome, elapsed)


def _print_sources(db: Path, success: bool) -> tuple[list, list]:
    """The table of files and rows per source from the published manifest (a failed run publishes its manifest
    and quarantine too). Returns the files that could not be read (of a failed run) and, of a published
    one, the sources marts.data_quality finds stale."""
    import duckdb

    from pipelines.lib.outcome import failed_files, stale_sources

    print(f"{'source':<18}{'files':>6}{'read':>12}{'loaded':>12}{'rejected':>10}  failed files")
    if not db.exists():
        return [], []
    found: tuple[list, list] = ([], [])
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("""SELECT source, count(*) FILTER (WHERE status <> 'skipped'), sum(rows_read),
                              sum(rows_loaded), sum(rows_rejected), count(*) FILTER (WHERE status = 'failed')
                              FROM raw.file_manifest GROUP BY 1 ORDER BY 1""").fetchall()
        for src, files_n, read, loaded, rejected, failed in rows:
            print(f"{src:<18}{files_n:>6}{read:>12,}{loaded:>12,}{rejected:>10,}  {failed or ''}")
        found = ([], stale_sources(con)) if success else (failed_files(con), [])
        if con.execute("SELECT count(*) FROM quarantine.rejected_rows").fetchall()[0][0]:
            print("rejected rows: quarantine.rejected_rows in the warehouse (coachlens validate lists them too)")
    except duckdb.Error:
        pass
    finally:
        con.close()
    return found


def _report_published(cfg, outcome, elapsed: float) -> int:
    """0, or 4 when marts.data_quality finds a source stale (the pages were published, marked stale)."""
    pages = sorted(cfg.site.rglob("*.html"))
    print(f"refresh finished in {elapsed:.1f} s: {len(pages)} page(s) in {cfg.site}")
    print(f"  warehouse: {cfg.warehouse}")
    if not outcome.stale:
        return 0
    print("STALE sources (pages were published, marked stale):", file=sys.stderr)
    for line in outcome.stale:
        print(f"  - {line}", file=sys.stderr)
    return 4


def _report_failed(cfg, outcome, elapsed: float) -> int:
    print(f"refresh FAILED after {elapsed:.1f} s; the last good marts and sponsor and finance pages were kept. "
          f"This run's manifest, quarantine and operations page ({cfg.site / 'operations.html'}) were published.",
          file=sys.stderr)
    for p in outcome.problems or ["the run failed (see the Dagster logs)"]:
        print(f"  - {p}", file=sys.stderr)
    return 1


def cmd_refresh(args) -> int:
    return run_refresh(_overrides(args), quiet=args.quiet, full=args.full)


# --- validate --------------------------------------------------------------------

def cmd_validate(args) -> int:
    from pipelines.lib.validate import validate_paths

    cfg = load_config(overrides=_overrides(args))
    return validate_paths([Path(p) for p in args.paths], cfg)


# --- forget ----------------------------------------------------------------------

def cmd_forget(args) -> int:
    from pipelines.lib.erasure import forget
    from pipelines.lib.workspace import RefreshLocked

    try:
        return forget(load_config(overrides=_overrides(args)), args.people)
    except RefreshLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3


# --- verify ----------------------------------------------------------------------

def cmd_verify(args) -> int:
    from pipelines.lib.verify import verify

    return verify(Path(args.site_dir), load_config(overrides=_overrides(args)), Path(args.landing) if args.landing else None)


# --- serve -----------------------------------------------------------------------

def cmd_serve(args) -> int:
    home = dagster_home()
    from pipelines.defs.transform.project import ensure_manifest

    ensure_manifest()
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    daemon = subprocess.Popen([str(bin_dir / "dagster-daemon"), "run", "-m", "pipelines.definitions"], env=env)
    web = subprocess.Popen([str(bin_dir / "dagster-webserver"), "-m", "pipelines.definitions", "-h", args.host,
                            "-p", str(args.port)], env=env)
    cfg = load_config()
    print(f"Dagster UI on http://{args.host}:{args.port} (DAGSTER_HOME={home}); nightly_refresh runs "
          f"'{cfg.schedule_cron}' ({cfg.schedule_timezone}). Ctrl-C stops both.")
    try:
        while daemon.poll() is None and web.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        for proc in (web, daemon):
            if proc.poll() is None:
                proc.terminate()
        for proc in (web, daemon):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


# --- demo ------------------------------------------------------------------------

def cmd_demo(args) -> int:
    cfg = load_config()
    landing = Path(args.landing).resolve() if args.landing else cfg.landing
    t0 = time.monotonic()
    rc = cmd_generate(argparse.Namespace(out=landing, participants=args.participants, seed=args.seed, as_of=None))
    if rc:
        return rc
    t1 = time.monotonic()
    rc = run_refresh({"landing": landing})
    cfg = load_config(overrides={"landing": landing})
    print(f"\ndemo: generate {t1 - t0:.1f} s, refresh {time.monotonic() - t1:.1f} s")
    if rc == 0:
        print("open these pages in a browser:")
        for page in sorted(cfg.site.rglob("*.html")):
            print(f"  {page}")
    return rc


# --- config --------------------------------------------------------------------

def cmd_config(args) -> int:
    from pipelines.lib.config import describe

    cfg = load_config()
    print(f"# {cfg.source_file or 'no coachlens.toml'}; COACHLENS_<KEY> variables override it")
    for name, default, meaning in describe():
        value = getattr(cfg, name.replace(".", "_"))
        shown = "(hidden)" if name == "pseudonym_salt" and value != default else _toml_value(value)
        print(f"{name} = {shown}" + (f"    # default {_toml_value(default)}" if value != default else "")
              + f"\n    # {meaning}")
    return 0


def _toml_value(value) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {v:g}" for k, v in value.items()) + "}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g}"
    return f'"{value}"'


# --- map -------------------------------------------------------------------------

def cmd_map(args) -> int:
    from pipelines.lib.exports.starter import write_starter
    from pipelines.lib.readers import FileError

    cfg = load_config()
    try:
        detected, target = write_starter(Path(args.file), Path(args.landing or cfg.landing), args.source, args.out)
    except (FileError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.file}: a {detected.label} export; it feeds {detected.tool.feeds}")
    todo = "item ids, wave, rater_type" if detected.tool.family == "survey" else "timezone, date_order, coach if needed"
    print(f"wrote the starter mapping {target}: complete it ({todo}), then refresh")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from pipelines.lib.generate import PARTICIPANTS, SEED

    parser = argparse.ArgumentParser(prog="coachlens", description="Coaching programme analytics and impact reports.")
    sub = parser.add_subparsers(dest="command", required=True)

    g = sub.add_parser("generate", help="write a realistic landing folder of generated data")
    g.add_argument("--out", required=True, help="the landing folder to write")
    g.add_argument("--participants", type=_positive_int, default=PARTICIPANTS)
    g.add_argument("--seed", type=int, default=SEED)
    g.add_argument("--as-of", type=_date, dest="as_of", help="the reporting date the data leads up to (default today)")
    g.set_defaults(fn=cmd_generate)

    r = sub.add_parser("refresh", help="ingest, check, build the marts and publish the pages (the nightly job)")
    for flag in ("landing", "warehouse", "site"):
        r.add_argument(f"--{flag}")
    r.add_argument("--as-of", type=_date, dest="as_of")
    r.add_argument("--quiet", action="store_true", help="no progress lines, only the summary")
    r.add_argument("--full", action="store_true",
                   help="read every file again (by default a source whose files, settings and references are "
                        "unchanged since the published refresh is carried over)")
    r.set_defaults(fn=cmd_refresh)

    v = sub.add_parser("validate", help="check files or a landing folder against the contracts; load nothing")
    v.add_argument("paths", nargs="+")
    v.add_argument("--as-of", type=_date, dest="as_of")
    v.set_defaults(fn=cmd_validate)

    f = sub.add_parser("forget", help="erase participants (by id or email) from the warehouse, the quarantine and "
                                      "the pages, and keep them out of later refreshes")
    f.add_argument("people", nargs="+", metavar="PERSON")
    for flag in ("warehouse", "site"):
        f.add_argument(f"--{flag}")
    f.set_defaults(fn=cmd_forget)

    w = sub.add_parser("verify", help="refresh the inputs of a published site's evidence record again and say "
                                      "whether every mart is reproduced exactly")
    w.add_argument("site_dir", metavar="SITE")
    w.add_argument("--landing", help="where the inputs are now (default: the landing folder of the record)")
    w.add_argument("--warehouse", help="the published warehouse (its copy is the starting point)")
    w.set_defaults(fn=cmd_verify)

    s = sub.add_parser("serve", help="Dagster webserver and daemon on localhost, with the nightly schedule")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=3000)
    s.set_defaults(fn=cmd_serve)

    m = sub.add_parser("map", help="say which tool wrote an export and write a starter mapping file for it")
    m.add_argument("file")
    m.add_argument("--source", help="the landing source the export feeds (checked against the export)")
    m.add_argument("--landing", help="the landing folder (default: coachlens.toml)")
    m.add_argument("--out", help="where to write the mapping (default: <landing>/mappings/<file name>.yml)")
    m.set_defaults(fn=cmd_map)

    c = sub.add_parser("config", help="print every configuration key: the value in force, its default, its meaning")
    c.set_defaults(fn=cmd_config)

    d = sub.add_parser("demo", help="generate data/landing, refresh, print where the pages are")
    d.add_argument("--participants", type=_positive_int, default=PARTICIPANTS)
    d.add_argument("--seed", type=int, default=SEED)
    d.add_argument("--landing")
    d.set_defaults(fn=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.fn(args)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
