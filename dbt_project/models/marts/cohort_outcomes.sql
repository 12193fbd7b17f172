-- One row per cohort x competency x rater type with at least one pre or post score (docs/metrics.md):
-- paired change with a 95% Student t interval, Hedges' g, reliable change counts, post response rate.
-- The statistics are the macro paired_change_stats (shared with sponsor_outcomes).
-- Intention to treat: everyone with a pre score counts, a participant without a post score as no change:
-- itt_mean_change = sum of paired changes / n_with_pre, pct_reliably_improved_itt = 100 * improved /
-- n_with_pre (0 while nobody is paired, NULL when n_with_pre is 0).
with outcomes as (
    select * from {{ ref('int_participant_outcomes') }}
),

cohorts as (
    select cohort_id, sponsor_id from {{ ref('stg_landing__cohorts') }}
),

stats as (
    {{ paired_change_stats('outcomes', ['cohort_id', 'competency', 'rater_type']) }}
),

itt as (
    select
        cohort_id,
        competency,
        rater_type,
        count(*) filter (where pre_score is not null) as n_with_pre,
        coalesce(sum(change) filter (where is_paired), 0) as sum_change,
        count(*) filter (where is_paired and reliably_improved) as n_improved
    from outcomes
    group by cohort_id, competency, rater_type
)

select
    stats.cohort_id,
    cohorts.sponsor_id,
    stats.* except (cohort_id),
    cast(itt.n_with_pre as integer) as n_with_pre,
    {{ safe_divide('itt.sum_change', 'itt.n_with_pre') }} as itt_mean_change,
    {{ safe_divide('100.0 * itt.n_improved', 'itt.n_with_pre') }} as pct_reliably_improved_itt
from stats
inner join cohorts on cohorts.cohort_id = stats.cohort_id
inner join itt
    on itt.cohort_id = stats.cohort_id
    and itt.competency = stats.competency
    and itt.rater_type = stats.rater_type
order by stats.cohort_id, stats.competency, stats.rater_type
