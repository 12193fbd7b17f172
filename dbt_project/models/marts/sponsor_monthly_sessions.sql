-- Sessions per sponsor and local month over the sponsor's reported cohorts (int_cohorts_reported), for
-- the sponsor page's sessions-per-month chart: a suppressed cohort's sessions are in no sponsor total.
with monthly as (
    select * from {{ ref('monthly_sessions') }}
    where cohort_id in (select cohort_id from {{ ref('int_cohorts_reported') }})
)

select
    sponsor_id,
    month,
    cast(sum(sessions_completed) as integer) as sessions_completed,
    cast(sum(sessions_no_show) as integer) as sessions_no_show,
    cast(sum(sessions_late_cancelled) as integer) as sessions_late_cancelled,
    sum(coaching_hours) as coaching_hours
from monthly
group by sponsor_id, month
order by sponsor_id, month
