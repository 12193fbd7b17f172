with source as (select * from {{ source('landing', 'participants') }})
select
    participant_id, email, full_name, cohort_id, enrolled_on, status, exit_reason,
    job_level, department, region
from source
