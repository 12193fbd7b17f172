-- One row per month of incurred_on and cost category: spend over every sponsor and cohort, in the
-- reporting currency (monthly_costs summed over sponsors and cohorts).
with monthly as (
    select * from {{ ref('monthly_costs') }}
)

select month, category, sum(amount) as amount
from monthly
group by month, category
order by month, category
