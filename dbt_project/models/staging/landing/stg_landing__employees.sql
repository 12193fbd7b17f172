with source as (select * from {{ source('landing', 'employees') }})
select
    employee_id, email, job_level, department, region, hired_on, left_on,
    coalesce(exit_type, 'voluntary') as exit_type
from source
