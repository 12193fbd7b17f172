-- One row per participant: where they are in the funnel (docs/metrics.md). Internal:
-- it holds participant ids; pages use participant_key, a salted pseudonym.
with participants as (
    select * from {{ ref('stg_landing__participants') }}
),

cohorts as (
    select cohort_id, sponsor_id, planned_sessions from {{ ref('stg_landing__cohorts') }}
),

assignments as (
    select participant_id, min(matched_on) as matched_on
    from {{ ref('stg_landing__assignments') }}
    group by participant_id
),

sessions as (
    select * from {{ ref('int_sessions_classified') }}
),

session_stats as (
    {{ session_counts('sessions', ['participant_id']) }}
),

journey as (
    select
        participants.participant_id,
        left({{ sha256_hex("'" ~ var('pseudonym_salt') ~ "' || participants.participant_id") }}, 16) as participant_key,
        participants.cohort_id,
        cohorts.sponsor_id,
        participants.enrolled_on,
        participants.status,
        assignments.participant_id is not null as is_matched,
        assignments.matched_on,
        session_stats.first_session_on,
        session_stats.last_session_on,
        {{ dbt.datediff('participants.enrolled_on', 'session_stats.first_session_on', 'day') }} as days_to_first_session,
        coalesce(session_stats.sessions_completed, 0) as sessions_completed,
        coalesce(session_stats.sessions_no_show, 0) as sessions_no_show,
        coalesce(session_stats.sessions_late_cancelled, 0) as sessions_late_cancelled,
        coalesce(session_stats.coaching_hours, 0.0) as coaching_hours,
        cohorts.planned_sessions
    from participants
    inner join cohorts on cohorts.cohort_id = participants.cohort_id
    left join assignments on assignments.participant_id = participants.participant_id
    left join session_stats on session_stats.participant_id = participants.participant_id
),

flags as (
    select
        *,
        sessions_completed >= 1 as is_activated,
        sessions_completed >= planned_sessions / 2.0 as reached_midpoint,
        (status = 'completed' or sessions_completed >= planned_sessions) as is_completed
    from journey
)

select
    participant_id, participant_key, cohort_id, sponsor_id, enrolled_on, status,
    is_matched, matched_on, first_session_on, last_session_on,
    cast(days_to_first_session as integer) as days_to_first_session,
    cast(sessions_completed as integer) as sessions_completed,
    cast(sessions_no_show as integer) as sessions_no_show,
    cast(sessions_late_cancelled as integer) as sessions_late_cancelled,
    cast(coaching_hours as double) as coaching_hours,
    is_activated, reached_midpoint, is_completed,
    (
        status = 'active'
        and not is_completed
        and {{ dbt.datediff('enrolled_on', "date '" ~ var('as_of') ~ "'", 'day') }} >= {{ var('stalled_after_days') }}
        and coalesce(last_session_on, date '0001-01-01')
            <= {{ dbt.dateadd('day', -var('stalled_after_days'), "date '" ~ var('as_of') ~ "'") }}
    ) as is_stalled
from flags
order by participant_id
