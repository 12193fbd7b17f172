-- One row per answered survey item, with the item's kind and competency. The item formulas live here
-- and nowhere else: item_score is the answer turned round when the item is reverse-scored
-- (scale_min + scale_max - score), rescaled_score the answer as given on 0-1
-- ((score - scale_min) / (scale_max - scale_min), docs/metrics.md: cohort_satisfaction).
with responses as (
    select * from {{ ref('stg_landing__survey_responses') }}
),

items as (
    select * from {{ ref('stg_landing__survey_items') }}
)

select
    responses.response_id,
    responses.participant_id,
    responses.instrument,
    responses.wave,
    responses.rater_type,
    responses.submitted_at,
    responses.session_id,
    responses.item_id,
    items.kind,
    items.competency,
    responses.score,
    case when items.reverse_scored then items.scale_min + items.scale_max - responses.score
         else responses.score end as item_score,
    {{ safe_divide('responses.score - items.scale_min', 'items.scale_max - items.scale_min') }} as rescaled_score
from responses
inner join items on items.item_id = responses.item_id
