-- One row: the finance page's totals over every cohort of every sponsor (cohort_costs), in the reporting
-- currency. Budget figures count only the cohorts that have a budget.
with costs as (
    select * from {{ ref('cohort_costs') }}
),

totals as (
    select
        count(*) as cohorts,
        count(budget) as cohorts_budgeted,
        count(*) filter (where budget is not null and coalesce(forecast_total_at_end, 0) > budget)
            as cohorts_forecast_over_budget,
        sum(total_cost) as total_cost,
        sum(budget) as budget,
        sum(case when budget is not null then total_cost end) as total_cost_budgeted,
        sum(forecast_total_at_end) as forecast_total_at_end,
        sum(spend_on_missed_sessions) as spend_on_missed_sessions
    from costs
)

select
    cast(cohorts as integer) as cohorts,
    cast(cohorts_budgeted as integer) as cohorts_budgeted,
    cast(cohorts_forecast_over_budget as integer) as cohorts_forecast_over_budget,
    coalesce(total_cost, 0) as total_cost,
    coalesce(budget, 0) as budget,
    coalesce(total_cost_budgeted, 0) as total_cost_budgeted,
    {{ safe_divide('100.0 * total_cost_budgeted', 'budget') }} as budget_used_pct,
    coalesce(forecast_total_at_end, 0) as forecast_total_at_end,
    coalesce(spend_on_missed_sessions, 0) as spend_on_missed_sessions,
    {{ safe_divide('100.0 * spend_on_missed_sessions', 'total_cost') }} as missed_sessions_pct_of_spend
from totals
