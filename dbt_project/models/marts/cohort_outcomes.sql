-- One row per cohort x competency x rater type with at least one pre or post score (SPEC section 5):
-- paired change with a 95% Student t interval, Hedges' g, reliable change counts, post response rate.
-- The statistics are the macro paired_change_stats (shared with sponsor_outcomes).
with outcomes as (
    select * from {{ ref('int_participant_outcomes') }}
),

cohorts as (
    select cohort_id, sponsor_id from {{ ref('stg_landing__cohorts') }}
),

stats as (
    {{ paired_change_stats('outcomes', ['cohort_id', 'competency', 'rater_type']) }}
)

select
    stats.cohort_id,
    cohorts.sponsor_id,
    stats.* except (cohort_id)
from stats
inner join cohorts on cohorts.cohort_id = stats.cohort_id
order by stats.cohort_id, stats.competency, stats.rater_type
