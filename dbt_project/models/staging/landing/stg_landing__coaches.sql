with source as (select * from {{ source('landing', 'coaches') }})
select
    coach_id, email, full_name, coach_type, credential, hourly_rate, currency, monthly_capacity_hours
from source
