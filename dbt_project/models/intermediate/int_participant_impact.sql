-- One row per participant: the estimated yearly benefit of their improvement (docs/metrics.md, cohort_value,
-- Phillips method). From the participant's latest self response (any wave; by submitted_at, then response_id)
-- holding all three impact_* items: b = value * attribution / 100 * confidence / 100 * (1 - estimate_discount);
-- 0 for everyone without one. A response with several items of one impact kind uses their mean.
with items as (
    select item_id, kind from {{ ref('stg_landing__survey_items') }}
    where kind in ('impact_value', 'impact_attribution', 'impact_confidence')
),

answers as (
    select
        r.response_id,
        r.participant_id,
        min(r.submitted_at) as submitted_at,
        avg(r.score) filter (where items.kind = 'impact_value') as impact_value,
        avg(r.score) filter (where items.kind = 'impact_attribution') as impact_attribution,
        avg(r.score) filter (where items.kind = 'impact_confidence') as impact_confidence
    from {{ ref('stg_landing__survey_responses') }} as r
    inner join items on items.item_id = r.item_id
    where r.rater_type = 'self'
    group by r.response_id, r.participant_id
),

latest_complete as (
    select *
    from answers
    where impact_value is not null and impact_attribution is not null and impact_confidence is not null
    qualify row_number() over (partition by participant_id order by submitted_at desc, response_id desc) = 1
),

participants as (
    select participant_id, cohort_id from {{ ref('stg_landing__participants') }}
)

select
    participants.participant_id,
    participants.cohort_id,
    latest_complete.response_id is not null as has_estimate,
    latest_complete.impact_value,
    latest_complete.impact_attribution,
    latest_complete.impact_confidence,
    coalesce(
        latest_complete.impact_value * latest_complete.impact_attribution / 100.0
            * latest_complete.impact_confidence / 100.0 * (1 - {{ estimate_discount() }}),
        0.0) as benefit
from participants
left join latest_complete on latest_complete.participant_id = participants.participant_id
