-- The statistics of cohort_outcomes pooled over a sponsor's reported cohorts (int_cohorts_reported:
-- participants of every cohort that is not suppressed, together): one row per sponsor x competency x
-- rater type. For sponsor pages.
with outcomes as (
    select outcomes.*, cohorts.sponsor_id
    from {{ ref('int_participant_outcomes') }} as outcomes
    inner join {{ ref('stg_landing__cohorts') }} as cohorts using (cohort_id)
    where outcomes.cohort_id in (select cohort_id from {{ ref('int_cohorts_reported') }})
),

stats as (
    {{ paired_change_stats('outcomes', ['sponsor_id', 'competency', 'rater_type']) }}
)

select * from stats
order by sponsor_id, competency, rater_type
