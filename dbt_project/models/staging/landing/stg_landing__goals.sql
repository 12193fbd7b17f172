with source as (select * from {{ source('landing', 'goals') }})
select
    goal_id, _participant_id as participant_id, competency, set_on, target_on, status, progress_pct,
    weight, gas_score, rated_on
from source
