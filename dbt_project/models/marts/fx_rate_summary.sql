-- One row per currency with an FX rate: how many rates, the first and latest valid_from, and the latest
-- rate to the reporting currency (the finance page's currency notes).
with rates as (
    select * from {{ ref('stg_landing__fx_rates') }}
),

counted as (
    select currency, count(*) as rates, min(valid_from) as first_valid_from, max(valid_from) as latest_valid_from
    from rates
    group by currency
),

latest as (
    select
        currency,
        rate_to_reporting,
        row_number() over (partition by currency order by valid_from desc, rate_to_reporting desc) as nth
    from rates
)

select
    counted.currency,
    cast(counted.rates as integer) as rates,
    counted.first_valid_from,
    counted.latest_valid_from,
    latest.rate_to_reporting as latest_rate
from counted
inner join latest on latest.currency = counted.currency and latest.nth = 1
order by counted.currency
