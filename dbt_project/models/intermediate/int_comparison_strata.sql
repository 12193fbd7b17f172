-- One row per cohort, outcome and stratum (job_level x department x region) holding participants with a
-- value (docs/metrics.md, cohort_comparison): the participants of the stratum, the comparison pool of the
-- stratum on the cohort's start_date (size, mean and sample variance of its values), whether the stratum
-- is matched (the pool has a value; for rating at least 2) and, when it is, the stratum's weight
-- w_s = n_p,s / n_p over the cohort's matched participants. Read by cohort_comparison and its balance table.
with values_ as (
    select * from {{ ref('int_comparison_values') }}
),

pool_strata as (
    select
        start_date, outcome, job_level, department, region,
        count(*) as n_comparison,
        avg(value) as comparison_mean,
        var_samp(value) as comparison_var
    from values_
    where grp = 'comparison'
    group by start_date, outcome, job_level, department, region
),

participant_strata as (
    select cohort_id, start_date, outcome, job_level, department, region, count(*) as n_participants
    from values_
    where grp = 'participant'
    group by cohort_id, start_date, outcome, job_level, department, region
),

matched as (
    select
        participant_strata.cohort_id,
        outcome,
        job_level,
        department,
        region,
        participant_strata.n_participants,
        coalesce(pool_strata.n_comparison, 0) as n_comparison,
        pool_strata.comparison_mean,
        pool_strata.comparison_var,
        coalesce(pool_strata.n_comparison, 0) >= case when outcome = 'rating' then 2 else 1 end as is_matched
    from participant_strata
    left join pool_strata using (start_date, outcome, job_level, department, region)
)

select
    *,
    case when is_matched then
        {{ safe_divide('n_participants',
                       'sum(case when is_matched then n_participants end) over (partition by cohort_id, outcome)') }}
    end as weight
from matched
