-- Sessions with their cohort, local date and effective status.
-- A cancelled session counts as late_cancelled when it was cancelled less than
-- late_cancel_hours before its start (elapsed time between the two instants) or
-- after its start; without cancelled_at it stays cancelled (docs/landing.md).
with sessions as (
    select * from {{ ref('stg_landing__sessions') }}
),

participants as (
    select participant_id, cohort_id from {{ ref('stg_landing__participants') }}
),

cohorts as (
    select cohort_id, sponsor_id, timezone from {{ ref('stg_landing__cohorts') }}
),

joined as (
    select
        sessions.*,
        participants.cohort_id,
        cohorts.sponsor_id,
        cohorts.timezone
    from sessions
    inner join participants on participants.participant_id = sessions.participant_id
    inner join cohorts on cohorts.cohort_id = participants.cohort_id
),

classified as (
    select
        *,
        status as reported_status,
        case
            when status = 'cancelled' and cancelled_at is not null
                and ({{ epoch_seconds('scheduled_start') }} - {{ epoch_seconds('cancelled_at') }}) < {{ var('late_cancel_hours') }} * 3600.0
                then 'late_cancelled'
            else status
        end as effective_status,
        {{ local_timestamp('scheduled_start', 'timezone') }} as local_start,
        {{ local_date('scheduled_start', 'timezone') }} as local_date
    from joined
)

select
    session_id, participant_id, coach_id, cohort_id, sponsor_id, timezone,
    scheduled_start, local_start, local_date,
    cast(date_trunc('month', local_date) as date) as month,
    duration_minutes, reported_status, effective_status as status, modality, cancelled_at,
    effective_status in ('completed', 'no_show', 'late_cancelled') as is_attendance_eligible
from classified
