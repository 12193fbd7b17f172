with source as (select * from {{ source('landing', 'survey_responses') }})
select
    response_id, _participant_id as participant_id, instrument, wave, rater_type, item_id, score,
    submitted_at, session_id
from source
