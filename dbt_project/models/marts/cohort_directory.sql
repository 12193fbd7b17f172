-- One row per cohort with the names the pages print (sponsor, programme, dates, currency, time zone).
with cohorts as (
    select * from {{ ref('stg_landing__cohorts') }}
),

sponsors as (
    select * from {{ ref('stg_landing__sponsors') }}
)

select
    cohorts.cohort_id, cohorts.cohort_name, cohorts.program_name,
    cohorts.sponsor_id, sponsors.sponsor_name,
    cohorts.start_date, cohorts.end_date, cohorts.planned_sessions, cohorts.session_minutes,
    cohorts.currency, cohorts.timezone
from cohorts
inner join sponsors on sponsors.sponsor_id = cohorts.sponsor_id
order by cohorts.cohort_id
