-- The tornado chart of the sponsor page: ROI% of sponsor_value when one assumption moves and the others
-- stay (docs/metrics.md, cohort_value). estimate_discount -/+ 0.1 (kept within 0 ... 0.95); participant_hour_cost and
-- replacement_cost x 0.5 and x 1.5 (replacement_cost only when set and a comparison exists); the impact
-- estimates at the ends of their 95% range (benefit_estimated -/+ 1.96 se_estimated).
with v as (
    select * from {{ ref('sponsor_value') }}
),

moves as (
    select
        sponsor_id, 'estimate_discount' as assumption, 'Discount on estimates' as label,
        greatest(estimate_discount - 0.1, 0.0) as value_low,
        least(estimate_discount + 0.1, 0.95) as value_high,
        benefit_estimated * {{ safe_divide('1 - greatest(estimate_discount - 0.1, 0.0)', '1 - estimate_discount') }}
            + benefit_retention as benefit_at_low,
        benefit_estimated * {{ safe_divide('1 - least(estimate_discount + 0.1, 0.95)', '1 - estimate_discount') }}
            + benefit_retention as benefit_at_high,
        cost_fully_loaded as cost_at_low,
        cost_fully_loaded as cost_at_high,
        roi_pct, suppressed
    from v
    union all
    select
        sponsor_id, 'participant_hour_cost', 'Cost of an hour of participant time',
        0.5 * participant_hour_cost, 1.5 * participant_hour_cost,
        benefit_total, benefit_total,
        cost_programme + 0.5 * cost_participant_time, cost_programme + 1.5 * cost_participant_time,
        roi_pct, suppressed
    from v
    union all
    select
        sponsor_id, 'replacement_cost', 'Cost of replacing a leaver',
        0.5 * replacement_cost, 1.5 * replacement_cost,
        benefit_estimated + 0.5 * benefit_retention, benefit_estimated + 1.5 * benefit_retention,
        cost_fully_loaded, cost_fully_loaded,
        roi_pct, suppressed
    from v
    where replacement_cost is not null and has_comparison
    union all
    select
        sponsor_id, 'impact_estimates', 'Impact estimates of participants (95% range)',
        benefit_estimated - 1.96 * se_estimated, benefit_estimated + 1.96 * se_estimated,
        benefit_total - 1.96 * se_estimated, benefit_total + 1.96 * se_estimated,
        cost_fully_loaded, cost_fully_loaded,
        roi_pct, suppressed
    from v
    where se_estimated is not null
)

select
    sponsor_id,
    assumption,
    label,
    value_low,
    value_high,
    roi_pct,
    {{ safe_divide('100.0 * (benefit_at_low - cost_at_low)', 'cost_at_low') }} as roi_pct_at_low,
    {{ safe_divide('100.0 * (benefit_at_high - cost_at_high)', 'cost_at_high') }} as roi_pct_at_high,
    suppressed
from moves
order by sponsor_id, assumption
