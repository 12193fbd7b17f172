with source as (select * from {{ source('landing', 'fx_rates') }})
select currency, valid_from, rate_to_reporting from source
