-- One row per source with at least one landing file: what was read, loaded and rejected
-- (by reason code), when its newest file was first loaded, and whether that is within the
-- source's maximum age of this refresh's start ([freshness] in coachlens.toml; sources without one are
-- fresh). The one place freshness is decided: pages and the command read is_fresh.
with manifest as (
    select * from {{ ref('stg_landing__file_manifest') }}
),

rejected as (
    select * from {{ ref('stg_quarantine__rejected_rows') }}
),

refresh as (
    select started_at from {{ ref('stg_landing__refresh_run') }}
),

max_age as (
    {%- set freshness = var('freshness', {}) %}
    {%- if freshness %}
    select * from (values
        {%- for source, hours in freshness.items() %}
        ('{{ source }}', cast({{ hours }} as double)){{ "," if not loop.last }}
        {%- endfor %}
    ) as t(source, max_age_hours)
    {%- else %}
    select cast(null as string) as source, cast(null as double) as max_age_hours where false
    {%- endif %}
),

by_reason as (
    select source, reason_code, count(*) as n
    from rejected
    group by source, reason_code
),

reasons as (
    select source, {{ keyed_json_object_agg('reason_code', 'n') }} as rejections_by_reason
    from by_reason
    group by source
),

files as (
    select
        source,
        count(*) filter (where status <> 'skipped') as files,
        count(*) filter (where status = 'failed') as files_failed,
        count(*) filter (where status = 'skipped') as files_skipped,
        sum(rows_read) as rows_read,
        sum(rows_loaded) as rows_loaded,
        sum(rows_rejected) as rows_rejected,
        max(loaded_at) filter (where status = 'ok') as last_loaded_at
    from manifest
    group by source
)

select
    files.source,
    cast(files.files as integer) as files,
    cast(files.files_failed as integer) as files_failed,
    cast(files.files_skipped as integer) as files_skipped,
    cast(files.rows_read as bigint) as rows_read,
    cast(files.rows_loaded as bigint) as rows_loaded,
    cast(files.rows_rejected as bigint) as rows_rejected,
    coalesce(reasons.rejections_by_reason, '{}') as rejections_by_reason,
    files.last_loaded_at,
    max_age.max_age_hours,
    case
        when max_age.max_age_hours is null then true
        when files.last_loaded_at is null then false
        else {{ epoch_seconds('refresh.started_at') }} - {{ epoch_seconds('files.last_loaded_at') }} <= max_age.max_age_hours * 3600
    end as is_fresh
from files
cross join refresh
left join reasons on reasons.source = files.source
left join max_age on max_age.source = files.source
order by files.source
