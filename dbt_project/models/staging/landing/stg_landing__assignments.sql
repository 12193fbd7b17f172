with source as (select * from {{ source('landing', 'assignments') }})
select
    _participant_id as participant_id, _coach_id as coach_id, matched_on, ended_on, end_reason
from source
