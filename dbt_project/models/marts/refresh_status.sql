-- One row describing what the refresh that built these marts saw: its as-of date and settings, files
-- and rows read, loaded and rejected, stale sources and contract results, whether an HR roster was
-- supplied, and the status the pages show (`status` on internal pages, `sponsor_status` on sponsor
-- pages). Only what the landing files and settings determine: when the refresh ran, its evidence
-- fingerprint and the erasures are in the view refresh_run_info.
with run as (
    select * from {{ ref('stg_landing__refresh_run') }}
),

manifest as (
    select * from {{ ref('stg_landing__file_manifest') }}
),

quality as (
    select * from {{ ref('data_quality') }}
),

contracts as (
    select * from {{ ref('source_contracts') }}
),

files as (
    select
        count(*) filter (where status <> 'skipped') as files,
        count(*) filter (where status = 'failed') as files_failed,
        count(*) filter (where status = 'skipped') as files_skipped,
        coalesce(sum(rows_read), 0) as rows_read,
        coalesce(sum(rows_loaded), 0) as rows_loaded,
        coalesce(sum(rows_rejected), 0) as rows_rejected
    from manifest
),

freshness as (
    select count(*) as sources, count(*) filter (where not is_fresh) as stale_sources
    from quality
),

contract_counts as (
    select count(*) as contracts_checked, count(*) filter (where not contract_passed) as contracts_failed
    from contracts
),

employees as (
    select count(*) as employees from {{ ref('stg_landing__employees') }}
),

counts as (
    select
        run.as_of,
        cast(run.settings as string) as settings,
        cast(files.files as integer) as files,
        cast(files.files_failed as integer) as files_failed,
        cast(files.files_skipped as integer) as files_skipped,
        cast(files.rows_read as bigint) as rows_read,
        cast(files.rows_loaded as bigint) as rows_loaded,
        cast(files.rows_rejected as bigint) as rows_rejected,
        cast(freshness.sources as integer) as sources,
        cast(freshness.stale_sources as integer) as stale_sources,
        cast(contract_counts.contracts_checked as integer) as contracts_checked,
        cast(contract_counts.contracts_failed as integer) as contracts_failed,
        employees.employees > 0 as employees_supplied
    from run
    cross join files
    cross join freshness
    cross join contract_counts
    cross join employees
)

select
    counts.*,
    case
        when files_failed > 0 then 'bad'
        when stale_sources > 0 or rows_rejected > 0 then 'warn'
        else 'ok'
    end as status,
    case when stale_sources > 0 then 'warn' else 'ok' end as sponsor_status
from counts
