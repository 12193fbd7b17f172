"""Blocking contract checks on every raw asset: the GX suite of its contract, and the rejections."""
import datetime as dt
import json

import dagster as dg

from pipelines.defs.resources import CoachlensResource
from pipelines.lib.contracts import Contract, load_contracts
from pipelines.lib.gx_suites import SAMPLE_ROWS, validate_frame

AUDIT_DDL = """CREATE TABLE IF NOT EXISTS audit.contract_validations (
    run_id VARCHAR, source VARCHAR, validated_at TIMESTAMPTZ, success BOOLEAN, evaluated INTEGER,
    unsuccessful INTEGER, rows_validated BIGINT, rows_in_raw BIGINT, rows_rejected BIGINT, result JSON)"""


def _rejections(con, source: str) -> dict:
    rows = con.execute("""
        SELECT reason_code, count(*) AS n, list(file || ':' || row_number || ' ' || column_name || ': ' || reason
                                              ORDER BY file, row_number)[1:3] AS examples
        FROM quarantine.rejected_rows WHERE source = ? GROUP BY 1 ORDER BY 2 DESC""", [source]).fetchall()
    return {code: {"count": n, "examples": examples} for code, n, examples in rows}


def _failures_text(failures: list[dict]) -> str:
    """The failed expectations in words: '; failed: expect_x on column (2 rows, e.g. a, b)'."""
    if not failures:
        return ""
    parts = []
    for f in failures:
        count = f"{f['unexpected_count']} rows" if f["unexpected_count"] is not None else "the table"
        examples = f", e.g. {', '.join(f['examples'])}" if f["examples"] else ""
        parts.append(f"{f['expectation']} on {f['column'] or 'the table'} ({count}{examples})")
    return "; failed: " + "; ".join(parts)


def build_contract_check(contract: Contract) -> dg.AssetChecksDefinition:
    source = contract.source

    @dg.asset_check(asset=dg.AssetKey(["raw", source]), name="contract", blocking=True,
                    description=f"Great Expectations suite compiled from data_contracts/{source}.yml, run on the "
                                "loaded rows; reports the rejected rows by reason with examples.")
    def _check(context: dg.AssetCheckExecutionContext, coachlens: CoachlensResource) -> dg.AssetCheckResult:
        with coachlens.connect() as con:
            n = con.execute(f'SELECT count(*) FROM raw."{source}"').fetchall()[0][0]
            sample = f" USING SAMPLE reservoir({SAMPLE_ROWS} ROWS) REPEATABLE (7)" if n > SAMPLE_ROWS else ""
            frame = con.sql(f'SELECT * FROM raw."{source}"{sample}').df()
            rejections = _rejections(con, source)
        summary = validate_frame(contract, frame)
        rejected = sum(v["count"] for v in rejections.values())
        with coachlens.connect() as con:
            con.execute("CREATE SCHEMA IF NOT EXISTS audit")
            con.execute(AUDIT_DDL)
            con.execute("INSERT INTO audit.contract_validations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [context.op_execution_context.run_id, source, dt.datetime.now(dt.timezone.utc), summary["success"],
                         summary["evaluated"], summary["unsuccessful"], len(frame), n, rejected,
                         json.dumps(summary["result"])])
        return dg.AssetCheckResult(
            passed=summary["success"],
            severity=dg.AssetCheckSeverity.ERROR,
            description=(f"{summary['evaluated']} expectations on {len(frame):,} loaded rows"
                         + (f" (sample of {n:,})" if sample else "") + f"; {rejected:,} rows rejected"
                         + _failures_text(summary["failures"])),
            metadata={
                "rows_loaded": dg.MetadataValue.int(n),
                "rows_rejected": dg.MetadataValue.int(rejected),
                "rejections_by_reason": dg.MetadataValue.json(rejections),
                "failed_expectations": dg.MetadataValue.json(summary["failures"]),
                "expectations_evaluated": dg.MetadataValue.int(summary["evaluated"]),
            },
        )

    return _check


contract_checks = [build_contract_check(c) for c in load_contracts().values()]
