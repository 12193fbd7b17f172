"""Data contracts compiled into Great Expectations suites, validated on the loaded rows.

GX 1.x has no DuckDB or Polars data source (see STYLE.md), so the loaded rows of
raw.<source> are validated as a pandas frame with an ephemeral context. The
row-level checks that must scale (every rule, on every row, with the reason) run
in SQL in the loader; this suite is the independent second line: it proves that
what was loaded honours the contract.
"""
from __future__ import annotations

import json
import os
import sys

from .contracts import Contract

SAMPLE_ROWS = 250_000  # larger tables are validated on a repeatable sample of this size


def _import_gx():
    """great_expectations, imported so that it cannot end the process.

    GX probes pyspark.sql.connect, whose import calls sys.exit(0) (a doctest guard in pyspark) when __main__ has
    no file, as under `python -c` or an embedded interpreter: every check then "failed" with SystemExit. coachlens
    does not use Spark Connect, so when that guard would fire the module is marked absent and GX treats it as not
    installed."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    main = sys.modules.get("__main__")
    if (main is not None and getattr(main, "__spec__", None) is None and not hasattr(main, "__file__")
            and not hasattr(sys, "ps1")):
        sys.modules.setdefault("pyspark.sql.connect", None)
    import great_expectations as gx

    return gx


def build_suite(contract: Contract):
    gx = _import_gx()
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=f"coachlens.{contract.source}")
    for column in ("_source_file", "_source_row", "_file_sha256", "_loaded_at"):
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=column))
    for c in contract.columns:
        suite.add_expectation(gxe.ExpectColumnToExist(column=c.name))
        if c.required or c.default is not None:
            suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=c.name))
        if c.type == "enum":
            suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column=c.name, value_set=list(c.values)))
        if c.type == "currency":
            suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column=c.name, regex=r"^[A-Z]{3}$"))
        if c.type in ("participant", "coach"):
            resolved = f"_{c.type}_id"
            if c.required:
                suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=resolved))
        if c.min is not None or c.max is not None:
            suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(column=c.name, min_value=c.min, max_value=c.max))
        if c.min_exclusive is not None:
            suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(column=c.name, min_value=c.min_exclusive,
                                                                    strict_min=True))
    if len(contract.natural_key) == 1:
        suite.add_expectation(gxe.ExpectColumnValuesToBeUnique(column=contract.natural_key[0]))
    else:
        suite.add_expectation(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(contract.natural_key)))
    return suite


def validate_frame(contract: Contract, frame) -> dict:
    """Validate a pandas frame; returns a JSON-able summary with every failed expectation and examples."""
    gx = _import_gx()
    context = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
    except Exception:  # older layouts of the config class: progress bars are cosmetic
        pass
    source = context.data_sources.add_pandas("coachlens")
    asset = source.add_dataframe_asset(contract.source)
    batch = asset.add_batch_definition_whole_dataframe("loaded_rows").get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(build_suite(contract))
    failures = []
    for r in result.results:
        if not r.success:
            cfg = r.expectation_config
            failures.append({
                "expectation": cfg.type,
                "column": cfg.kwargs.get("column") or ",".join(cfg.kwargs.get("column_list", [])),
                "unexpected_count": r.result.get("unexpected_count"),
                "examples": [str(v) for v in (r.result.get("partial_unexpected_list") or [])[:3]],
            })
    stats = result.statistics
    return {"success": bool(result.success), "evaluated": int(stats["evaluated_expectations"]),
            "unsuccessful": int(stats["unsuccessful_expectations"]), "failures": failures,
            "result": json.loads(json.dumps(result.to_json_dict(), default=str))}
