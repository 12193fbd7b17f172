with source as (select * from {{ source('refresh', 'refresh_run') }})
select run_id, started_at, as_of, landing, settings from source
