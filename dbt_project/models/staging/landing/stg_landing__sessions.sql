with source as (select * from {{ source('landing', 'sessions') }})
select
    session_id, _participant_id as participant_id, _coach_id as coach_id,
    scheduled_start, duration_minutes, status, modality, cancelled_at
from source
