-- One row per survey response and competency: the response's score on the competency is the
-- mean of its item scores for that competency (int_item_scores: reverse-scored items turned round).
-- Only items of kind competency.
with item_scores as (
    select * from {{ ref('int_item_scores') }}
    where kind = 'competency'
),

participants as (
    select participant_id, cohort_id from {{ ref('stg_landing__participants') }}
)

select
    item_scores.response_id,
    item_scores.participant_id,
    participants.cohort_id,
    item_scores.wave,
    item_scores.rater_type,
    min(item_scores.submitted_at) as submitted_at,
    item_scores.competency,
    avg(item_scores.item_score) as score,
    count(*) as items_answered
from item_scores
inner join participants on participants.participant_id = item_scores.participant_id
group by all
