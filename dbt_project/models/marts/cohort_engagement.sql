-- One row per cohort (every cohort, even one with no participants): the funnel,
-- attendance and utilisation (docs/metrics.md), and the suppression flag (docs/privacy.md).
with cohorts as (
    select cohort_id, sponsor_id, planned_sessions from {{ ref('stg_landing__cohorts') }}
),

journey as (
    select * from {{ ref('participant_journey') }}
),

sessions as (
    select * from {{ ref('int_sessions_classified') }}
),

people as (
    {{ funnel_counts('journey', 'cohort_id') }}
),

attendance as (
    {{ session_counts('sessions', ['cohort_id']) }}
),

combined as (
    select
        cohorts.cohort_id,
        cohorts.sponsor_id,
        cohorts.planned_sessions,
        coalesce(people.enrolled, 0) as enrolled,
        coalesce(people.matched, 0) as matched,
        coalesce(people.activated, 0) as activated,
        coalesce(people.reached_midpoint, 0) as reached_midpoint,
        coalesce(people.completed, 0) as completed,
        people.median_days_to_first_session,
        coalesce(attendance.sessions_completed, 0) as sessions_completed,
        coalesce(attendance.sessions_no_show, 0) as sessions_no_show,
        coalesce(attendance.sessions_late_cancelled, 0) as sessions_late_cancelled,
        coalesce(attendance.sessions_eligible, 0) as sessions_eligible,
        coalesce(people.stalled, 0) as stalled,
        coalesce(people.coaching_hours, 0) as coaching_hours
    from cohorts
    left join people on people.cohort_id = cohorts.cohort_id
    left join attendance on attendance.cohort_id = cohorts.cohort_id
)

select
    cohort_id,
    sponsor_id,
    cast(enrolled as integer) as enrolled,
    cast(matched as integer) as matched,
    cast(activated as integer) as activated,
    cast(reached_midpoint as integer) as reached_midpoint,
    cast(completed as integer) as completed,
    {{ safe_divide('activated', 'enrolled') }} as activation_rate,
    cast(median_days_to_first_session as double) as median_days_to_first_session,
    cast(sessions_completed as integer) as sessions_completed,
    {{ safe_divide('sessions_completed', 'activated') }} as sessions_per_activated,
    {{ safe_divide('sessions_completed', 'sessions_eligible') }} as attendance_rate,
    {{ safe_divide('sessions_no_show', 'sessions_eligible') }} as no_show_rate,
    {{ safe_divide('sessions_late_cancelled', 'sessions_eligible') }} as late_cancel_rate,
    {{ safe_divide('completed', 'enrolled') }} as completion_rate,
    cast(stalled as integer) as stalled,
    cast(coaching_hours as double) as coaching_hours,
    {{ safe_divide('sessions_completed', 'enrolled * planned_sessions') }} as utilisation,
    enrolled < {{ var('min_group_size') }} as suppressed
from combined
order by cohort_id
