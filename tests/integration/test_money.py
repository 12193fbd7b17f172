"""Money is exact: amounts and rates load as DECIMAL, and costs add up without floating-point error."""
from decimal import Decimal

from tests.integration.loading import BASE, load, rejections, write_landing


def test_money_and_rates_load_as_exact_decimals(tmp_path):
    costs = BASE["costs"] + ("A1,2024-02-01,other,0.1,USD,C1,\nA2,2024-02-01,other,0.2,USD,C1,\n"
                             "A3,2024-02-01,other,12.34567891,USD,C1,\nA4,2024-02-01,other,1.5e3,USD,C1,\n")
    fx = BASE["fx_rates"] + "EUR,2024-03-01,0.0061908005321234567891\n"
    con = load(write_landing(tmp_path, {"costs": costs, "fx_rates": fx}))
    types = dict(con.execute("""SELECT table_name || '.' || column_name, data_type FROM information_schema.columns
                                WHERE table_schema = 'raw' AND column_name IN
                                ('amount', 'budget_amount', 'hourly_rate', 'rate_to_reporting')""").fetchall())
    assert types == {"costs.amount": "DECIMAL(20,6)", "cohorts.budget_amount": "DECIMAL(20,6)",
                     "coaches.hourly_rate": "DECIMAL(20,6)", "fx_rates.rate_to_reporting": "DECIMAL(24,18)"}
    amounts = dict(con.execute("SELECT cost_id, amount FROM raw.costs").fetchall())
    # 0.1 + 0.2 is 0.3 exactly (in binary floating point it is 0.30000000000000004)
    assert amounts["A1"] + amounts["A2"] == Decimal("0.3")
    assert con.execute("SELECT sum(amount) FROM raw.costs WHERE cost_id IN ('A1', 'A2')").fetchall()[0][0] \
        == Decimal("0.3")
    assert amounts["A3"] == Decimal("12.345679")  # kept to 6 decimal places, rounded half away from zero
    assert amounts["A4"] == Decimal("1500")
    assert con.execute("SELECT rate_to_reporting FROM raw.fx_rates WHERE valid_from = '2024-03-01'").fetchall() \
        == [(Decimal("0.006190800532123457"),)]


def test_an_amount_that_is_not_money_is_rejected_with_its_reason(tmp_path):
    costs = BASE["costs"] + ("B1,2024-02-01,other,\"12,50\",USD,C1,\nB2,2024-02-01,other,$40,USD,C1,\n"
                             "B3,2024-02-01,other,123456789012345,USD,C1,\n")
    fx = BASE["fx_rates"] + "GBP,2024-01-01,0\n"
    con = load(write_landing(tmp_path, {"costs": costs, "fx_rates": fx}))
    found = rejections(con, "costs")
    assert [(r[0], r[1]) for r in found] == [(4, "amount"), (5, "amount"), (6, "amount")]
    assert '"12,50" is not an amount of money' in found[0][2]
    assert '"$40" is not an amount of money' in found[1][2]
    assert "at most 14 digits before it" in found[2][2]
    assert rejections(con, "fx_rates") == [(3, "rate_to_reporting", "rate_to_reporting 0 must be greater than 0")]
