-- One row per sponsor: cohort_value rolled up for the sponsor page (docs/metrics.md) over the
-- sponsor's reported cohorts (int_cohorts_reported: a suppressed cohort is in no sponsor total). Estimated
-- benefit over the enrolled participants of those cohorts (its standard error sqrt(n) * sd(b) over them, n >= 2);
-- retention benefit summed over the cohorts whose comparison is not suppressed (so no suppressed comparison
-- can be worked out from the total), its standard error sqrt(sum of SE^2); costs summed.
with sponsors as (
    select sponsor_id from {{ ref('stg_landing__sponsors') }}
),

reported as (
    select * from {{ ref('int_cohorts_reported') }}
),

impact as (
    select
        cohorts.sponsor_id,
        count(*) as enrolled,
        count(*) filter (where impact.has_estimate) as n_estimates,
        sum(impact.benefit) as benefit_estimated,
        case when count(*) >= 2 then sqrt(count(*)) * stddev_samp(impact.benefit) end as se_estimated
    from {{ ref('int_participant_impact') }} as impact
    inner join {{ ref('stg_landing__cohorts') }} as cohorts on cohorts.cohort_id = impact.cohort_id
    where impact.cohort_id in (select cohort_id from reported)
    group by cohorts.sponsor_id
),

cohort_rows as (
    select
        sponsor_id,
        count(*) filter (where has_comparison and not comparison_suppressed) as cohorts_compared,
        sum(case when has_comparison and not comparison_suppressed then avoided_exits else 0 end) as avoided_exits,
        sum(case when has_comparison and not comparison_suppressed then benefit_retention else 0 end)
            as benefit_retention,
        sqrt(sum(case when has_comparison and not comparison_suppressed then se_retention * se_retention else 0 end))
            as se_retention,
        sum(cost_programme) as cost_programme
    from {{ ref('cohort_value') }}
    where cohort_id in (select cohort_id from reported)
    group by sponsor_id
),

hours as (
    select sponsor_id, sum(coaching_hours) as coaching_hours
    from {{ ref('cohort_engagement') }}
    where cohort_id in (select cohort_id from reported)
    group by sponsor_id
),

inputs as (
    select
        sponsors.sponsor_id,
        cast(coalesce(impact.enrolled, 0) as integer) as enrolled,
        cast(coalesce(impact.n_estimates, 0) as integer) as n_estimates,
        coalesce(impact.benefit_estimated, 0.0) as benefit_estimated,
        impact.se_estimated,
        cast(coalesce(cohort_rows.cohorts_compared, 0) as integer) as cohorts_compared,
        coalesce(cohort_rows.cohorts_compared, 0) > 0 as has_comparison,
        coalesce(cohort_rows.avoided_exits, 0.0) as avoided_exits,
        coalesce(cohort_rows.benefit_retention, 0.0) as benefit_retention,
        coalesce(cohort_rows.se_retention, 0.0) as se_retention,
        coalesce(cohort_rows.cost_programme, 0.0) as cost_programme,
        coalesce(hours.coaching_hours, 0.0) as coaching_hours
    from sponsors
    left join impact on impact.sponsor_id = sponsors.sponsor_id
    left join cohort_rows on cohort_rows.sponsor_id = sponsors.sponsor_id
    left join hours on hours.sponsor_id = sponsors.sponsor_id
),

figures as (
    {{ value_figures('inputs') }}
)

select
    sponsor_id, enrolled, n_estimates, benefit_estimated, se_estimated, cohorts_compared, has_comparison,
    avoided_exits, benefit_retention, se_retention, benefit_total, benefit_low, benefit_high, cost_programme,
    coaching_hours, cost_participant_time, cost_fully_loaded, bcr, roi_pct, roi_pct_low, roi_pct_high,
    estimate_discount, replacement_cost, participant_hour_cost,
    enrolled < {{ var('min_group_size') }} as suppressed,
    false as retention_suppressed,
    n_estimates > 0 and n_estimates < {{ var('min_group_size') }} as estimates_suppressed,
    enrolled >= {{ var('min_group_size') }}
        and (n_estimates >= {{ var('min_group_size') }}
             or (n_estimates = 0 and has_comparison and replacement_cost is not null)) as roi_shown
from figures
order by sponsor_id
