-- One row per cohort x outcome with at least one matched participant (docs/metrics.md): participants
-- against colleagues who were not coached, in the same job_level x department x region strata,
-- the comparison weighted to the participants' strata (w_s = n_p,s / n_p). A participant whose stratum
-- has no comparison person with a value (rating: fewer than 2) is unmatched and left out.
-- variance: retention / promotion p(1 - p) / n_p + sum_s w_s^2 p_c,s (1 - p_c,s) / n_c,s;
-- rating s_p^2 / n_p + sum_s w_s^2 s_c,s^2 / n_c,s (NULL when n_p < 2). Interval: difference -/+ 1.96 sqrt(variance).
with values_ as (
    select * from {{ ref('int_comparison_values') }}
),

windows as (
    select cohort_id, sponsor_id, start_date, window_days from {{ ref('int_comparison_windows') }}
),

pool_strata as (
    select
        start_date, outcome, job_level, department, region,
        count(*) as n_c,
        avg(value) as mean_c,
        var_samp(value) as var_c
    from values_
    where grp = 'comparison'
    group by start_date, outcome, job_level, department, region
),

participants as (
    select
        values_.cohort_id, values_.outcome, values_.job_level, values_.department, values_.region, values_.value,
        coalesce(pool_strata.n_c, 0) >= case when values_.outcome = 'rating' then 2 else 1 end as is_matched
    from values_
    left join pool_strata
        on pool_strata.start_date = values_.start_date
        and pool_strata.outcome = values_.outcome
        and pool_strata.job_level = values_.job_level
        and pool_strata.department = values_.department
        and pool_strata.region = values_.region
    where values_.grp = 'participant'
),

participant_stats as (
    select
        cohort_id,
        outcome,
        count(*) filter (where is_matched) as n_participants,
        count(*) filter (where not is_matched) as n_unmatched,
        avg(value) filter (where is_matched) as participant_value,
        var_samp(value) filter (where is_matched) as participant_var
    from participants
    group by cohort_id, outcome
),

participant_strata as (
    select cohort_id, outcome, job_level, department, region, count(*) as n_p_s
    from participants
    where is_matched
    group by cohort_id, outcome, job_level, department, region
),

weighted as (
    select
        participant_strata.cohort_id,
        participant_strata.outcome,
        pool_strata.n_c,
        pool_strata.mean_c,
        {{ safe_divide('participant_strata.n_p_s', 'participant_stats.n_participants') }} as w,
        case when participant_strata.outcome = 'rating' then pool_strata.var_c
             else pool_strata.mean_c * (1 - pool_strata.mean_c) end as unit_var_c
    from participant_strata
    inner join participant_stats
        on participant_stats.cohort_id = participant_strata.cohort_id
        and participant_stats.outcome = participant_strata.outcome
    inner join windows on windows.cohort_id = participant_strata.cohort_id
    inner join pool_strata
        on pool_strata.start_date = windows.start_date
        and pool_strata.outcome = participant_strata.outcome
        and pool_strata.job_level = participant_strata.job_level
        and pool_strata.department = participant_strata.department
        and pool_strata.region = participant_strata.region
),

comparison_stats as (
    select
        cohort_id,
        outcome,
        sum(n_c) as n_comparison,
        sum(w * mean_c) as comparison_value,
        sum(w * w * {{ safe_divide('unit_var_c', 'n_c') }}) as comparison_variance
    from weighted
    group by cohort_id, outcome
),

combined as (
    select
        participant_stats.cohort_id,
        windows.sponsor_id,
        participant_stats.outcome,
        windows.window_days,
        cast(participant_stats.n_participants as integer) as n_participants,
        cast(coalesce(comparison_stats.n_comparison, 0) as integer) as n_comparison,
        cast(participant_stats.n_unmatched as integer) as n_unmatched,
        participant_stats.participant_value,
        comparison_stats.comparison_value,
        participant_stats.participant_value - comparison_stats.comparison_value as difference,
        case
            when participant_stats.outcome = 'rating' and participant_stats.n_participants < 2 then null
            when participant_stats.outcome = 'rating'
                then {{ safe_divide('participant_stats.participant_var', 'participant_stats.n_participants') }}
                     + comparison_stats.comparison_variance
            else {{ safe_divide('participant_stats.participant_value * (1 - participant_stats.participant_value)',
                                'participant_stats.n_participants') }}
                 + comparison_stats.comparison_variance
        end as variance
    from participant_stats
    inner join windows on windows.cohort_id = participant_stats.cohort_id
    left join comparison_stats
        on comparison_stats.cohort_id = participant_stats.cohort_id
        and comparison_stats.outcome = participant_stats.outcome
    where participant_stats.n_participants > 0
)

select
    cohort_id,
    sponsor_id,
    outcome,
    window_days,
    n_participants,
    n_comparison,
    n_unmatched,
    participant_value,
    comparison_value,
    difference,
    variance,
    difference - 1.96 * sqrt(variance) as ci95_low,
    difference + 1.96 * sqrt(variance) as ci95_high,
    n_participants < {{ var('min_group_size') }} or n_comparison < {{ var('min_group_size') }} as suppressed
from combined
order by cohort_id, outcome
