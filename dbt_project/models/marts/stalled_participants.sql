-- Operations page only (names and emails; no sponsor page reads it): every stalled participant
-- (participant_journey.is_stalled) with their cohort, sponsor and progress.
with journey as (
    select * from {{ ref('participant_journey') }}
    where is_stalled
),

participants as (
    select * from {{ ref('stg_landing__participants') }}
),

directory as (
    select * from {{ ref('cohort_directory') }}
)

select
    participants.full_name,
    participants.email,
    directory.cohort_name,
    directory.sponsor_name,
    journey.enrolled_on,
    journey.last_session_on,
    journey.sessions_completed,
    directory.planned_sessions
from journey
inner join participants on participants.participant_id = journey.participant_id
inner join directory on directory.cohort_id = journey.cohort_id
order by journey.last_session_on nulls first, participants.full_name, participants.email
