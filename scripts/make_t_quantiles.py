"""Write dbt_project/seeds/t_quantiles.csv: Student t 0.975 quantiles for df 1..100 from scipy.

Beyond df 100 the dbt macro t_quantile_975 uses the Cornish-Fisher expansion (error < 1e-10 there);
tests/unit/test_t_quantiles.py checks both against scipy.
"""
from pathlib import Path

from scipy import stats

out = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "t_quantiles.csv"
lines = ["df,t975"] + [f"{df},{stats.t.ppf(0.975, df):.15f}" for df in range(1, 101)]
out.write_text("\n".join(lines) + "\n", encoding="utf-8")
print(f"wrote {out}")
