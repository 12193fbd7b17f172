-- One row per sponsor with at least one cohort: total spend over all its cohorts (the finance page; a
-- sponsor page's totals count only its reported cohorts, sponsor_summary).
with costs as (
    select * from {{ ref('cohort_costs') }}
),

directory as (
    select * from {{ ref('cohort_directory') }}
)

select directory.sponsor_id, directory.sponsor_name, sum(costs.total_cost) as total_cost
from costs
inner join directory on directory.cohort_id = costs.cohort_id
group by directory.sponsor_id, directory.sponsor_name
order by directory.sponsor_name, directory.sponsor_id
