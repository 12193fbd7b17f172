with source as (select * from {{ source('landing', 'sponsors') }})
select sponsor_id, sponsor_name from source
