with source as (select * from {{ source('landing', 'hr_events') }})
select employee_id, event, event_on, value from source
