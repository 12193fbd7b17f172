-- Spend per sponsor, cohort, month of incurred_on and category, in the reporting currency.
with allocated as (
    select * from {{ ref('int_costs_allocated') }}
)

select sponsor_id, cohort_id, month, category, cast(sum(amount_reporting) as {{ money_type() }}) as amount
from allocated
group by sponsor_id, cohort_id, month, category
order by sponsor_id, cohort_id, month, category
