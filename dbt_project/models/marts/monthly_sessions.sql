-- Sessions per cohort and local month by effective status (for the sessions-per-month charts).
with sessions as (
    select * from {{ ref('int_sessions_classified') }}
)

select
    sponsor_id, cohort_id, month,
    cast(count(*) filter (where status = 'completed') as integer) as sessions_completed,
    cast(count(*) filter (where status = 'no_show') as integer) as sessions_no_show,
    cast(count(*) filter (where status = 'late_cancelled') as integer) as sessions_late_cancelled,
    cast(count(*) filter (where status = 'cancelled') as integer) as sessions_cancelled,
    cast(count(*) filter (where status = 'scheduled') as integer) as sessions_scheduled,
    coalesce(sum(duration_minutes) filter (where status = 'completed'), 0) / 60.0 as coaching_hours
from sessions
group by sponsor_id, cohort_id, month
order by sponsor_id, cohort_id, month
