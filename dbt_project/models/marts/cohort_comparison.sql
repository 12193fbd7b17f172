-- One row per cohort x outcome with at least one matched participant (docs/metrics.md): participants
-- against colleagues who were not coached, in the same job_level x department x region strata,
-- the comparison weighted to the participants' strata (w_s = n_p,s / n_p, int_comparison_strata). A participant
-- whose stratum has no comparison person with a value (rating: fewer than 2) is unmatched and left out.
-- variance: retention / promotion p(1 - p) / n_p + sum_s w_s^2 p_c,s (1 - p_c,s) / n_c,s;
-- rating s_p^2 / n_p + sum_s w_s^2 s_c,s^2 / n_c,s (NULL when n_p < 2). Interval: difference -/+ 1.96 sqrt(variance).
with values_ as (
    select * from {{ ref('int_comparison_values') }}
),

strata as (
    select * from {{ ref('int_comparison_strata') }}
),

windows as (
    select cohort_id, sponsor_id, window_days from {{ ref('int_comparison_windows') }}
),

participants as (
    select cohort_id, outcome, values_.value, strata.is_matched
    from values_
    inner join strata using (cohort_id, outcome, job_level, department, region)
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

weighted as (
    select
        cohort_id,
        outcome,
        n_comparison as n_c,
        comparison_mean as mean_c,
        weight as w,
        case when outcome = 'rating' then comparison_var
             else comparison_mean * (1 - comparison_mean) end as unit_var_c
    from strata
    where is_matched
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
