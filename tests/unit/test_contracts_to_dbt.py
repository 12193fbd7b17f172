"""The dbt sources and staging YAML are generated from data_contracts/*.yml (scripts/contracts_to_dbt.py)."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipelines.lib import contracts as contracts_module

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "contracts_to_dbt.py"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("contracts_to_dbt", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _contracts(tmp_path: Path, texts: dict[str, str]) -> dict:
    for name, text in texts.items():
        (tmp_path / f"{name}.yml").write_text(text, encoding="utf-8")
    return {p.stem: contracts_module._parse(p) for p in sorted(tmp_path.glob("*.yml"))}


TEAMS = "source: teams\nnatural_key: [team_code]\ncolumns:\n  team_code: {type: id, required: true}\n"
MEMBERS = """source: members
description: People in teams.
natural_key: [member_id, joined_on]
columns:
  member_id: {type: id, required: true, description: Who.}
  joined_on: {type: date}
  team: {type: id, references: teams, description: Their team.}
  role: {type: enum, required: true, values: [Lead, member]}
  coach: {type: coach}
  weight: {type: number, default: 1, min_exclusive: 0}
"""


def test_committed_dbt_yaml_is_what_the_contracts_give():
    proc = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_a_stale_file_is_named_and_fails_the_check(script, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(script, "SOURCES_FILE", tmp_path / "_landing__sources.yml")
    monkeypatch.setattr(script, "MODELS_FILE", tmp_path / "_landing__models.yml")
    (tmp_path / "_landing__sources.yml").write_text("version: 2\n", encoding="utf-8")
    assert script.main(["--check"]) == 1
    assert "_landing__sources.yml is stale" in capsys.readouterr().err
    assert script.main([]) == 0
    assert script.main(["--check"]) == 0


def test_source_columns_carry_the_tests_the_contract_implies(script, tmp_path):
    contracts = _contracts(tmp_path, {"teams": TEAMS, "members": MEMBERS})
    table = script.source_table(contracts, contracts["members"])
    columns = {c["name"]: c for c in table["columns"]}
    assert list(columns) == ["member_id", "joined_on", "team", "role", "coach", "_coach_id", "weight"]
    assert columns["member_id"]["data_tests"] == ["not_null"]           # part of a two-column key: not unique alone
    assert "data_tests" not in columns["joined_on"]
    # the reference points at the target contract's natural key, not at a column of the same name
    assert columns["team"]["data_tests"] == [
        {"relationships": {"arguments": {"to": "source('landing', 'teams')", "field": "team_code"}}}]
    assert columns["role"]["data_tests"] == ["not_null", {"accepted_values": {"arguments": {"values": ["lead", "member"]}}}]
    # an optional coach column: no not_null, its resolved id must be a coach
    assert columns["_coach_id"]["data_tests"] == [
        {"relationships": {"arguments": {"to": "source('landing', 'coaches')", "field": "coach_id"}}}]
    assert table["data_tests"] == [{"unique_combination": {"arguments": {"columns": ["member_id", "joined_on"]}}}]
    assert script.source_table(contracts, contracts["teams"])["columns"][0]["data_tests"] == ["not_null", "unique"]


def test_descriptions_say_what_the_contract_says(script, tmp_path):
    contracts = _contracts(tmp_path, {"teams": TEAMS, "members": MEMBERS})
    model = script.staging_model(contracts["members"])
    columns = {c["name"]: c["description"] for c in model["columns"]}
    assert model["name"] == "stg_landing__members"
    assert list(columns) == ["member_id", "joined_on", "team", "role", "coach_id", "weight"]
    assert columns["member_id"] == "Who. Required."
    assert columns["team"] == "Their team. References teams."
    assert columns["role"] == "Required. One of: lead, member."
    assert columns["weight"] == "Empty means 1. Greater than 0."
    assert "`coach`" in columns["coach_id"]
    assert model["description"].startswith("People in teams. Natural key: member_id, joined_on.")


def test_every_contract_column_is_described():
    for source, contract in contracts_module.load_contracts().items():
        assert contract.description, source
        assert [c.name for c in contract.columns if not c.description.strip()] == [], source


def test_generated_yaml_is_valid_dbt_shape(script):
    files = script.generated_files()
    sources = yaml.safe_load(files[script.SOURCES_FILE])["sources"]
    assert [s["name"] for s in sources] == ["landing"]
    assert {t["name"] for t in sources[0]["tables"]} == set(contracts_module.load_contracts())
    models = yaml.safe_load(files[script.MODELS_FILE])["models"]
    assert {m["name"] for m in models} == {f"stg_landing__{s}" for s in contracts_module.load_contracts()}
