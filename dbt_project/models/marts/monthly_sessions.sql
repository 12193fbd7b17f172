-- Sessions per cohort and local month by effective status (for the sessions-per-month charts).
with sessions as (
    select * from {{ ref('int_sessions_classified') }}
),

monthly as (
    {{ session_counts('sessions', ['sponsor_id', 'cohort_id', 'month']) }}
)

select
    sponsor_id, cohort_id, month,
    cast(sessions_completed as integer) as sessions_completed,
    cast(sessions_no_show as integer) as sessions_no_show,
    cast(sessions_late_cancelled as integer) as sessions_late_cancelled,
    cast(sessions_cancelled as integer) as sessions_cancelled,
    cast(sessions_scheduled as integer) as sessions_scheduled,
    coaching_hours
from monthly
order by sponsor_id, cohort_id, month
