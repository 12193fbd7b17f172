-- One row per cohort: goals set and achieved, and Goal Attainment Scaling T-scores
-- (Kiresuk-Sherman): T = 50 + 10 * sum(w x) / sqrt((1 - rho) * sum(w^2) + rho * (sum w)^2)
-- per participant over the latest rated row (with a gas_score) of each goal not abandoned.
with goals as (
    select * from {{ ref('stg_landing__goals') }}
),

participants as (
    select participant_id, cohort_id from {{ ref('stg_landing__participants') }}
),

cohorts as (
    select cohort_id, sponsor_id from {{ ref('stg_landing__cohorts') }}
),

latest_rows as (
    -- a goal's current status and owner: its row with the latest rated_on (no rated_on counts as earliest)
    select *
    from goals
    qualify row_number() over (partition by goal_id order by rated_on desc nulls last) = 1
),

current_goals as (
    select latest_rows.goal_id, latest_rows.participant_id, participants.cohort_id, latest_rows.status
    from latest_rows
    inner join participants using (participant_id)
),

latest_scored as (
    select goal_id, gas_score, coalesce(weight, 1) as weight
    from goals
    where gas_score is not null
    qualify row_number() over (partition by goal_id order by rated_on desc nulls last) = 1
),

participant_gas as (
    select
        current_goals.cohort_id,
        current_goals.participant_id,
        50 + 10 * sum(latest_scored.weight * latest_scored.gas_score)
            / nullif(sqrt((1 - {{ var('gas_rho') }}) * sum(latest_scored.weight * latest_scored.weight)
                          + {{ var('gas_rho') }} * pow(sum(latest_scored.weight), 2)), 0) as gas_tscore
    from current_goals
    inner join latest_scored using (goal_id)
    where current_goals.status <> 'abandoned'
    group by current_goals.cohort_id, current_goals.participant_id
),

goal_counts as (
    select
        cohort_id,
        count(distinct goal_id) as goals_set,
        count(distinct participant_id) as participants_with_goals,
        count(distinct goal_id) filter (where status = 'achieved') as goals_achieved,
        count(distinct goal_id) filter (where status <> 'abandoned') as goals_not_abandoned
    from current_goals
    group by cohort_id
),

gas as (
    select cohort_id, count(gas_tscore) as n_gas_participants, avg(gas_tscore) as mean_gas_tscore
    from participant_gas
    group by cohort_id
)

select
    cohorts.cohort_id,
    cohorts.sponsor_id,
    cast(coalesce(goal_counts.goals_set, 0) as integer) as goals_set,
    cast(coalesce(goal_counts.participants_with_goals, 0) as integer) as participants_with_goals,
    cast(coalesce(goal_counts.goals_achieved, 0) as integer) as goals_achieved,
    {{ safe_divide('goal_counts.goals_achieved', 'goal_counts.goals_not_abandoned') }} as goal_achievement_rate,
    cast(coalesce(gas.n_gas_participants, 0) as integer) as n_gas_participants,
    gas.mean_gas_tscore,
    coalesce(goal_counts.participants_with_goals, 0) < {{ var('min_group_size') }} as suppressed
from cohorts
left join goal_counts using (cohort_id)
left join gas using (cohort_id)
order by cohorts.cohort_id
