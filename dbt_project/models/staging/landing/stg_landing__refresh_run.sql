with source as (select * from {{ source('landing', 'refresh_run') }})
select run_id, started_at, as_of, landing, settings from source
