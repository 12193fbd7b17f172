-- One row per sponsor: the headline figures of the sponsor page over its reported cohorts (those not
-- suppressed, int_cohorts_reported), computed from participant, session, survey, goal and cost rows
-- (not by averaging cohort ratios). NPS and goal totals add up only the cohorts whose NPS or goal row is
-- itself shown (not suppressed). `cohorts` counts every cohort, `cohorts_reported` those counted.
-- `suppressed` hides the row; each `*_suppressed` flag hides a figure about fewer people than the row
-- (NPS answers, participants with goals or a GAS T-score, participants reliably improved), and the row's too.
with sponsors as (
    select * from {{ ref('stg_landing__sponsors') }}
),

reported as (
    select * from {{ ref('int_cohorts_reported') }}
),

journey as (
    select * from {{ ref('participant_journey') }}
    where cohort_id in (select cohort_id from reported)
),

sessions as (
    select * from {{ ref('int_sessions_classified') }}
    where cohort_id in (select cohort_id from reported)
),

cohort_rows as (
    select
        sponsor_id,
        count(*) as cohorts,
        count(*) filter (where cohort_id in (select cohort_id from reported)) as cohorts_reported
    from {{ ref('stg_landing__cohorts') }}
    group by sponsor_id
),

people as (
    {{ funnel_counts('journey', 'sponsor_id') }}
),

attendance as (
    {{ session_counts('sessions', ['sponsor_id']) }}
),

satisfaction as (
    select
        sponsor_id,
        sum(nps_responses) as nps_responses,
        sum(promoters) as promoters,
        sum(detractors) as detractors
    from {{ ref('cohort_satisfaction') }}
    where cohort_id in (select cohort_id from reported) and not suppressed
    group by sponsor_id
),

improved as (
    select reported.sponsor_id, count(*) as reliably_improved
    from {{ ref('int_participants_improved') }} as improved
    inner join reported on reported.cohort_id = improved.cohort_id
    group by reported.sponsor_id
),

spend as (
    select sponsor_id, sum(total_cost) as total_cost
    from {{ ref('cohort_costs') }}
    where cohort_id in (select cohort_id from reported)
    group by sponsor_id
),

goals as (
    select
        sponsor_id,
        sum(participants_with_goals) as participants_with_goals,
        sum(goals_set) as goals_set,
        sum(goals_achieved) as goals_achieved,
        sum(n_gas_participants) as n_gas_participants,
        sum(mean_gas_tscore * n_gas_participants) as gas_tscore_sum
    from {{ ref('cohort_goals') }}
    where cohort_id in (select cohort_id from reported) and not suppressed
    group by sponsor_id
)

select
    sponsors.sponsor_id,
    sponsors.sponsor_name,
    cast(coalesce(cohort_rows.cohorts, 0) as integer) as cohorts,
    cast(coalesce(cohort_rows.cohorts_reported, 0) as integer) as cohorts_reported,
    cast(coalesce(people.enrolled, 0) as integer) as enrolled,
    cast(coalesce(people.matched, 0) as integer) as matched,
    cast(coalesce(people.activated, 0) as integer) as activated,
    cast(coalesce(people.reached_midpoint, 0) as integer) as reached_midpoint,
    cast(coalesce(people.completed, 0) as integer) as completed,
    {{ safe_divide('people.activated', 'people.enrolled') }} as activation_rate,
    {{ safe_divide('attendance.sessions_completed', 'attendance.sessions_eligible') }} as attendance_rate,
    {{ safe_divide('people.completed', 'people.enrolled') }} as completion_rate,
    cast(people.median_days_to_first_session as double) as median_days_to_first_session,
    cast(coalesce(attendance.sessions_completed, 0) as integer) as sessions_completed,
    cast(coalesce(people.coaching_hours, 0) as double) as coaching_hours,
    cast(coalesce(satisfaction.nps_responses, 0) as integer) as nps_responses,
    {{ safe_divide('100.0 * (satisfaction.promoters - satisfaction.detractors)', 'satisfaction.nps_responses') }} as nps,
    cast(coalesce(goals.participants_with_goals, 0) as integer) as participants_with_goals,
    cast(coalesce(goals.goals_set, 0) as integer) as goals_set,
    cast(coalesce(goals.goals_achieved, 0) as integer) as goals_achieved,
    cast(coalesce(goals.n_gas_participants, 0) as integer) as n_gas_participants,
    {{ safe_divide('goals.gas_tscore_sum', 'goals.n_gas_participants') }} as mean_gas_tscore,
    cast(coalesce(improved.reliably_improved, 0) as integer) as reliably_improved,
    cast(coalesce(spend.total_cost, 0) as {{ money_type() }}) as total_cost,
    {{ money_ratio('spend.total_cost', 'people.enrolled') }} as cost_per_enrolled,
    {{ money_ratio('spend.total_cost', 'improved.reliably_improved') }} as cost_per_reliably_improved,
    coalesce(people.enrolled, 0) < {{ var('min_group_size') }} as suppressed,
    coalesce(people.enrolled, 0) < {{ var('min_group_size') }}
        or coalesce(satisfaction.nps_responses, 0) < {{ var('min_group_size') }} as nps_suppressed,
    coalesce(people.enrolled, 0) < {{ var('min_group_size') }}
        or coalesce(goals.participants_with_goals, 0) < {{ var('min_group_size') }} as goals_suppressed,
    coalesce(people.enrolled, 0) < {{ var('min_group_size') }}
        or coalesce(goals.n_gas_participants, 0) < {{ var('min_group_size') }} as gas_suppressed,
    coalesce(people.enrolled, 0) < {{ var('min_group_size') }}
        or coalesce(improved.reliably_improved, 0) < {{ var('min_group_size') }} as reliably_improved_suppressed
from sponsors
left join cohort_rows using (sponsor_id)
left join people using (sponsor_id)
left join attendance using (sponsor_id)
left join satisfaction using (sponsor_id)
left join improved using (sponsor_id)
left join spend using (sponsor_id)
left join goals using (sponsor_id)
order by sponsors.sponsor_id
