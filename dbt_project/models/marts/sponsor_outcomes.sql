-- The statistics of cohort_outcomes pooled over all of a sponsor's cohorts (participants of every
-- cohort of the sponsor together): one row per sponsor x competency x rater type. For sponsor pages.
with outcomes as (
    select outcomes.*, cohorts.sponsor_id
    from {{ ref('int_participant_outcomes') }} as outcomes
    inner join {{ ref('stg_landing__cohorts') }} as cohorts using (cohort_id)
),

stats as (
    {{ paired_change_stats('outcomes', ['sponsor_id', 'competency', 'rater_type']) }}
)

select * from stats
order by sponsor_id, competency, rater_type
