-- One row per cohort (docs/metrics.md): what the programme is worth in money (Phillips ROI), with the
-- assumptions used on every row. Estimated benefit from participants' own impact estimates (0 for those
-- without one); retention benefit from cohort_comparison when value.replacement_cost is set; fully loaded
-- cost = programme cost + participants' coaching time. Ranges from the standard errors (+/- 1.96 SE).
with cohorts as (
    select cohort_id, sponsor_id from {{ ref('stg_landing__cohorts') }}
),

impact as (
    select
        cohort_id,
        count(*) as enrolled,
        count(*) filter (where has_estimate) as n_estimates,
        sum(benefit) as benefit_estimated,
        case when count(*) >= 2 then sqrt(count(*)) * stddev_samp(benefit) end as se_estimated
    from {{ ref('int_participant_impact') }}
    group by cohort_id
),

retention as (
    select cohort_id, difference, variance, n_participants, suppressed
    from {{ ref('cohort_comparison') }}
    where outcome = 'retention'
),

costs as (
    select cohort_id, total_cost from {{ ref('cohort_costs') }}
),

engagement as (
    select cohort_id, coaching_hours from {{ ref('cohort_engagement') }}
),

inputs as (
    select
        cohorts.cohort_id,
        cohorts.sponsor_id,
        cast(coalesce(impact.enrolled, 0) as integer) as enrolled,
        cast(coalesce(impact.n_estimates, 0) as integer) as n_estimates,
        coalesce(impact.benefit_estimated, 0.0) as benefit_estimated,
        impact.se_estimated,
        retention.cohort_id is not null as has_comparison,
        coalesce(retention.suppressed, false) as comparison_suppressed,
        coalesce(retention.difference * retention.n_participants, 0.0) as avoided_exits,
        coalesce(retention.difference * retention.n_participants * {{ replacement_cost() }}, 0.0) as benefit_retention,
        coalesce(sqrt(retention.variance) * retention.n_participants * {{ replacement_cost() }}, 0.0) as se_retention,
        coalesce(costs.total_cost, 0.0) as cost_programme,
        coalesce(engagement.coaching_hours, 0.0) as coaching_hours
    from cohorts
    left join impact on impact.cohort_id = cohorts.cohort_id
    left join retention on retention.cohort_id = cohorts.cohort_id
    left join costs on costs.cohort_id = cohorts.cohort_id
    left join engagement on engagement.cohort_id = cohorts.cohort_id
),

figures as (
    {{ value_figures('inputs') }}
)

select
    cohort_id, sponsor_id, enrolled, n_estimates, benefit_estimated, se_estimated, avoided_exits,
    benefit_retention, se_retention, has_comparison, comparison_suppressed, benefit_total, benefit_low,
    benefit_high, cost_programme, cost_participant_time, cost_fully_loaded, bcr, roi_pct, roi_pct_low,
    roi_pct_high, estimate_discount, replacement_cost, participant_hour_cost,
    enrolled < {{ var('min_group_size') }} as suppressed,
    comparison_suppressed and replacement_cost is not null as retention_suppressed
from figures
order by cohort_id
