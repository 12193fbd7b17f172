-- Rewritten by `coachlens forget` after the marts are built; read by the view marts.refresh_run_info.
{{ config(enabled=target.type != 'spark') }}
with source as (select * from {{ source('audit', 'erasures') }})
select erased_at, people, rows_removed from source
