"""The command line hands its settings to the Dagster resource as run config, not through os.environ."""
import datetime as dt
import os

from pipelines.cli import main
from pipelines.defs.resources import CoachlensResource
from pipelines.lib.config import load_config


def _without_coachlens_variables(monkeypatch):
    for name in [k for k in os.environ if k.startswith("COACHLENS_")]:
        monkeypatch.delenv(name)


def test_run_config_carries_flags_to_the_resource(tmp_path, monkeypatch):
    _without_coachlens_variables(monkeypatch)
    monkeypatch.setenv("COACHLENS_PSEUDONYM_SALT", "test-salt")
    cfg = load_config(overrides={"landing": str(tmp_path / "in"), "warehouse": str(tmp_path / "w.duckdb"),
                                 "site": str(tmp_path / "site"), "as_of": dt.date(2025, 2, 3)})
    before = dict(os.environ)
    run_config = CoachlensResource.run_config(cfg, full_refresh=True, progress_lines=True)
    resource = CoachlensResource(**run_config["config"])
    got = resource.config()
    assert (got.landing, got.warehouse, got.site) == (tmp_path / "in", tmp_path / "w.duckdb", tmp_path / "site")
    assert got.resolved_as_of() == dt.date(2025, 2, 3) and resource.full_refresh and resource.progress
    assert dict(os.environ) == before


def test_an_unset_reporting_date_stays_unset_for_the_run(tmp_path, monkeypatch):
    _without_coachlens_variables(monkeypatch)
    cfg = load_config(overrides={"warehouse": str(tmp_path / "w.duckdb")})
    assert cfg.as_of is None
    assert CoachlensResource.run_config(cfg)["config"]["as_of"] == ""  # decided when the run starts


def test_the_command_line_sets_no_coachlens_variables(tmp_path, monkeypatch):
    _without_coachlens_variables(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "landing" / "sponsors").mkdir(parents=True)
    (tmp_path / "landing" / "sponsors" / "sponsors.csv").write_text("sponsor_id,sponsor_name\nS1,One\n")
    before = dict(os.environ)
    assert main(["validate", str(tmp_path / "landing"), "--as-of", "2025-02-03"]) == 0
    assert dict(os.environ) == before
