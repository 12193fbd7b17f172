"""Mapping files: one clear error per problem (docs/exports.md, "Mapping files"), and the time rules of vendor exports."""
import datetime as dt

import pytest

from pipelines.lib.exports.mapping import MappingError, find_mapping, parse_mapping
from pipelines.lib.exports.timeparse import Clock, clock_for, zone_of
from pipelines.lib.readers import FileError

GOOD = """source: survey_responses
files: ["survey_responses/pre_*.csv"]
instrument: lead
wave: pre
rater_type: self
participant: {column: RecipientEmail}
submitted_at: {column: RecordedDate}
items:
  Q1: LEAD_1
"""


def write(tmp_path, name, text):
    (tmp_path / "mappings").mkdir(exist_ok=True)
    path = tmp_path / "mappings" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_mapping_is_found_by_its_globs(tmp_path):
    write(tmp_path, "a.yml", GOOD)
    m = find_mapping(tmp_path, "survey_responses", "survey_responses/pre_2024.csv")
    assert (m.instrument, m.wave.value, m.participant.column, m.items) == ("lead", "pre", "RecipientEmail",
                                                                          {"Q1": "LEAD_1"})
    assert find_mapping(tmp_path, "survey_responses", "survey_responses/post_2024.csv") is None
    assert find_mapping(tmp_path, "sessions", "survey_responses/pre_2024.csv") is None


@pytest.mark.parametrize("change, message", [
    (("wave: pre", "wave: baseline"), "wave is 'baseline'; allowed: pre, mid, post, follow_up, pulse"),
    (("rater_type: self", "rater_type: {colum: R}"), "rater_type must be a value or {column: NAME}"),
    (("  Q1: LEAD_1", "  Q1:"), "items Q1 have no item_id"),
    (("instrument: lead\n", ""), "missing instrument"),
    (("source: survey_responses", "source: goals"), "a mapping is for survey_responses or sessions"),
    (("items:", "timezone: Mars/Base\nitems:"), "timezone 'Mars/Base' is not an IANA zone"),
    (("items:", "date_order: MMDD\nitems:"), "date_order 'MMDD' must be one of MDY, DMY, YMD"),
    (("items:", "colour: red\nitems:"), "unknown key colour"),
    (("participant: {column: RecipientEmail}", "participant: someone@x.org"), "participant must name a column"),
    (("wave: pre", 'wave: {column: W, values: {"Baseline": first}}'), "wave.values maps to first"),
])
def test_each_problem_has_its_own_error(tmp_path, change, message):
    path = write(tmp_path, "a.yml", GOOD.replace(*change))
    with pytest.raises(MappingError) as err:
        parse_mapping(path)
    assert message in str(err.value) and "mappings/a.yml" in str(err.value)


def test_a_file_matched_by_two_mappings_fails_naming_both(tmp_path):
    write(tmp_path, "a.yml", GOOD)
    write(tmp_path, "b.yml", GOOD.replace("pre_*", "*_2024"))
    with pytest.raises(MappingError) as err:
        find_mapping(tmp_path, "survey_responses", "survey_responses/pre_2024.csv")
    assert "mappings/a.yml, mappings/b.yml" in str(err.value) and "coachlens map" in str(err.value)


def test_invalid_yaml_is_named(tmp_path):
    path = write(tmp_path, "a.yml", "source: [survey_responses\n")
    with pytest.raises(MappingError, match="mappings/a.yml is not valid YAML"):
        parse_mapping(path)


def test_times_stated_zone_beats_the_mapping_and_the_mapping_beats_configuration():
    clock = clock_for(["2024-03-01 09:00"], "T", "America/Denver", "Europe/London", None)
    assert clock.text("2024-03-01 09:00") == "2024-03-01T16:00:00+00:00"                 # mapping (MST)
    assert clock.text("2024-03-01 09:00", zone_of("Asia/Kolkata")) == "2024-03-01T03:30:00+00:00"  # file's zone
    assert clock.text("2021/02/19 12:09:45 AM PST") == "2021-02-19T08:09:45+00:00"     # stated in the value
    assert clock.text("2021/02/19 12:09:45 AM GMT+5:30") == "2021-02-18T18:39:45+00:00"
    assert clock_for([], "T", None, "Europe/London", None).text("2024-07-01 09:00") == "2024-07-01T08:00:00+00:00"


def test_day_and_month_order():
    assert clock_for(["19-07-2019 08:30", "02-07-2024 09:00"], "T", None, "UTC", None).order == "DMY"
    assert clock_for(["7/31/2023 04:21:36 PM", "8/1/2023 1:00 PM"], "T", None, "UTC", None).order == "MDY"
    with pytest.raises(FileError, match="date_order"):
        clock_for(["02/03/2026 07:50"], "Microsoft Bookings", None, "UTC", None)
    assert clock_for(["02/03/2026 07:50"], "T", None, "UTC", "DMY").text("02/03/2026 07:50") == \
        "2026-03-02T07:50:00+00:00"


def test_twelve_hour_clock_excel_serials_and_unreadable_text():
    clock = Clock(dt.timezone.utc, "MDY", allow_serial=True)
    assert clock.text("2023-03-30 12:05 am") == "2023-03-30T00:05:00+00:00"
    assert clock.text("2023-03-30 12:05 pm") == "2023-03-30T12:05:00+00:00"
    assert clock.text("11/4/2020, 9:50:12 PM") == "2020-11-04T21:50:12+00:00"
    assert clock.text("45292.75") == "2024-01-01T18:00:00+00:00"   # Excel: 45292 is 2024-01-01
    assert clock.text("next tuesday") == "next tuesday"               # passed on: the contract shows it
