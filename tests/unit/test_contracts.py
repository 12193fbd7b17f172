import pytest

from pipelines.lib.contracts import CONTRACTS_DIR, load_contracts

from pipelines.lib import contracts as contracts_module


def test_every_source_of_spec_has_a_contract_in_dependency_order():
    order = list(load_contracts(CONTRACTS_DIR))
    assert set(order) == {"sponsors", "cohorts", "participants", "coaches", "assignments", "sessions", "survey_items",
                          "survey_responses", "goals", "costs", "fx_rates", "employees", "hr_events"}
    assert order.index("cohorts") < order.index("participants") < order.index("sessions")
    assert order.index("employees") < order.index("hr_events")


def test_unsupported_breach_behaviour_is_refused(tmp_path):
    (tmp_path / "x.yml").write_text(
        "source: x\nnatural_key: [a]\ncolumns:\n  a: {type: id, required: true, on_breach: warn}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="on_breach 'warn' is not supported"):
        contracts_module._parse(tmp_path / "x.yml")
