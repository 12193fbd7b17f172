-- A view, not a table: what describes the run itself rather than its inputs, read when a page is built.
-- When the refresh started, the fingerprint of its evidence record (written after the marts are built,
-- since it hashes them) and the people erased by `coachlens forget` (which erases without a rebuild).
-- Two refreshes of the same files differ here and nowhere else in `marts`; the evidence and
-- `coachlens verify` hash the tables of `marts`, not its views. DuckDB only (on Spark it is not built).
{{ config(materialized='view', enabled=target.type != 'spark') }}
with run as (
    select * from {{ ref('stg_landing__refresh_run') }}
),

evidence as (
    select * from {{ ref('stg_audit__evidence') }}
),

erasures as (
    select * from {{ ref('stg_audit__erasures') }}
)

select
    run.run_id,
    run.started_at,
    (select max(fingerprint) from evidence) as evidence_fingerprint,
    cast((select coalesce(sum(people), 0) from erasures) as integer) as people_erased,
    (select max(erased_at) from erasures) as last_erased_at
from run
