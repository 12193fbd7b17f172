with source as (select * from {{ source('landing', 'cohorts') }})
select
    cohort_id, cohort_name, program_name, sponsor_id, start_date, end_date,
    cast(planned_sessions as integer) as planned_sessions,
    session_minutes, budget_amount, currency, timezone
from source
