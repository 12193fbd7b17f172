-- One row per cohort that has started by as_of (docs/metrics.md, cohort_comparison): the outcome window
-- start_date ... start_date + window_days - 1 cut at as_of, its observed length, and the window of
-- window_days days before start_date in which the earlier rating is looked for.
with cohorts as (
    select cohort_id, sponsor_id, start_date
    from {{ ref('stg_landing__cohorts') }}
    where start_date <= date '{{ var("as_of") }}'
),

bounds as (
    select
        cohort_id,
        sponsor_id,
        start_date,
        least(cast({{ dbt.dateadd('day', window_days() ~ ' - 1', 'start_date') }} as date),
              date '{{ var("as_of") }}') as window_end,
        cast({{ dbt.dateadd('day', '-' ~ window_days(), 'start_date') }} as date) as pre_window_start
    from cohorts
)

select
    cohort_id,
    sponsor_id,
    start_date,
    window_end,
    pre_window_start,
    cast({{ dbt.datediff('start_date', 'window_end', 'day') }} + 1 as integer) as window_days
from bounds
