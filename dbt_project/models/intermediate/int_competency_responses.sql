-- One row per survey response and competency: the response's score on the competency is the
-- mean of its item scores for that competency, reverse-scored items turned round first
-- (scale_min + scale_max - score). Only items of kind competency.
with responses as (
    select * from {{ ref('stg_landing__survey_responses') }}
),

items as (
    select * from {{ ref('stg_landing__survey_items') }}
    where kind = 'competency'
),

participants as (
    select participant_id, cohort_id from {{ ref('stg_landing__participants') }}
),

item_scores as (
    select
        responses.response_id,
        responses.participant_id,
        responses.wave,
        responses.rater_type,
        responses.submitted_at,
        items.competency,
        responses.item_id,
        case when items.reverse_scored then items.scale_min + items.scale_max - responses.score
             else responses.score end as item_score
    from responses
    inner join items on items.item_id = responses.item_id
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
