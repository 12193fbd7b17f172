"""`coachlens map FILE` names the tool and variant and writes a starter mapping; once its blanks are filled in
(item ids; date_order where the file cannot show it), the fixture loads: every row loaded or rejected."""
import shutil
from pathlib import Path

import pytest
import yaml

from pipelines.cli import main
from tests.fixtures.exports.lookalike import make_lookalikes as fx
from tests.integration.loading import load, write_landing
from tests.integration.test_exports_lookalike import ROSTER

EXPORTS = Path(fx.__file__).parents[1]
TEXT = sorted(p for p in EXPORTS.rglob("*") if p.suffix in (".csv", ".tsv"))
XLSX = {"surveymonkey.xlsx": fx.surveymonkey_xlsx, "forms.xlsx": fx.microsoft_forms_xlsx,
        "forms_ja.xlsx": fx.microsoft_forms_japanese_xlsx}
ITEMS = ["LEAD_1", "LEAD_3", "NPS"]


def fill_in(text: str) -> str:
    data = yaml.safe_load(text)
    for k, key in enumerate(data.get("items") or {}):
        data["items"][key] = ITEMS[k % len(ITEMS)]
    if "date_order" in data:
        data["date_order"] = "MDY"
    return yaml.safe_dump(data, allow_unicode=True)


@pytest.mark.parametrize("fixture", [p.relative_to(EXPORTS).as_posix() for p in TEXT] + sorted(XLSX))
def test_map_writes_a_starter_that_loads_once_completed(tmp_path, capsys, fixture):
    root = write_landing(tmp_path / "landing", ROSTER)
    staging = tmp_path / "in"
    staging.mkdir()
    src = XLSX[fixture](staging / fixture) if fixture in XLSX else EXPORTS / fixture
    assert main(["map", str(src), "--landing", str(root), "--out", str(tmp_path / "probe.yml")]) == 0
    said = capsys.readouterr().out
    feeds = "sessions" if "it feeds sessions" in said else "survey_responses"
    target = root / feeds / Path(fixture).name
    shutil.copy(src, target)
    assert main(["map", str(target), "--landing", str(root)]) == 0
    mapping = root / "mappings" / f"{target.stem}.yml"
    text = mapping.read_text(encoding="utf-8")
    assert f'files: ["{feeds}/{target.name}"]' in text
    mapping.write_text(fill_in(text), encoding="utf-8")
    con = load(root)
    read, loaded, rejected, status, message = con.execute(
        "SELECT rows_read, rows_loaded, rows_rejected, status, message FROM raw.file_manifest WHERE path = ?",
        [f"{feeds}/{target.name}"]).fetchall()[0]
    quarantined = con.execute("SELECT count(*) FROM quarantine.rejected_rows WHERE file = ?",
                              [f"{feeds}/{target.name}"]).fetchall()[0][0]
    assert status == "ok", message
    assert read == loaded + rejected and rejected == quarantined and read > 0
    if "lookalike" in fixture or fixture in XLSX:
        assert loaded > 0  # the look-alikes' people are on the roster


def test_the_starter_lists_every_question_with_its_text(tmp_path, capsys):
    src = EXPORTS / "lookalike" / "qualtrics_current_choice_text_timezone.csv"
    out = tmp_path / "m.yml"
    assert main(["map", str(src), "--landing", str(tmp_path), "--out", str(out)]) == 0
    assert "a Qualtrics (current, choice text) export; it feeds survey_responses" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert '  "Q1_1": ""   # How do you lead? - I give clear direction\n' in text  # the header's line break folded
    assert '  "Q1_2": ""   # How do you lead? - I listen\n' in text
    assert '  "Q2": ""   # How likely are you to recommend coaching?\n' in text
    assert '  # "Q3_TEXT": free text, never loaded: What else?\n' in text
    assert 'participant: {column: "RecipientEmail"}' in text and 'submitted_at: {column: "RecordedDate"}' in text
    assert main(["map", str(src), "--landing", str(tmp_path), "--out", str(out)]) == 2  # never overwrites


def test_map_refuses_a_file_that_is_no_export(tmp_path, capsys):
    path = tmp_path / "sessions.csv"
    path.write_text("session_id,participant\nX1,P1\n", encoding="utf-8")
    assert main(["map", str(path), "--landing", str(tmp_path)]) == 2
    assert "not an export coachlens recognises" in capsys.readouterr().err
