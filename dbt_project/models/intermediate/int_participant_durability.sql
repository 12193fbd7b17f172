-- One row per participant, competency and rater type with a post and a follow_up score (docs/metrics.md,
-- cohort_durability). Follow-up scores are formed like post scores: self, the latest follow_up
-- response (by submitted_at, then response_id); observers, the mean of their follow_up responses.
-- The pre -> follow_up RCI uses the same SD_pre and reliability as the pre -> post RCI.
with follow_up_responses as (
    select * from {{ ref('int_competency_responses') }}
    where wave = 'follow_up'
),

self_follow_up as (
    select participant_id, competency, rater_type, score as follow_up_score
    from follow_up_responses
    where rater_type = 'self'
    qualify row_number() over (
        partition by participant_id, competency order by submitted_at desc, response_id desc) = 1
),

observer_follow_up as (
    select participant_id, competency, rater_type, avg(score) as follow_up_score
    from follow_up_responses
    where rater_type <> 'self'
    group by participant_id, competency, rater_type
),

follow_up as (
    select * from self_follow_up
    union all
    select * from observer_follow_up
),

outcomes as (
    select * from {{ ref('int_participant_outcomes') }}
    where post_score is not null
)

select
    outcomes.participant_id,
    outcomes.cohort_id,
    outcomes.competency,
    outcomes.rater_type,
    outcomes.pre_score,
    outcomes.post_score,
    follow_up.follow_up_score,
    follow_up.follow_up_score - outcomes.post_score as change_since_post,
    outcomes.reliably_improved as improved_at_post,
    coalesce(
        {{ safe_divide('follow_up.follow_up_score - outcomes.pre_score',
                       'sqrt(2) * outcomes.sd_pre * sqrt(1 - outcomes.reliability)') }} > 1.96,
        false) as improved_at_follow_up
from outcomes
inner join follow_up
    on follow_up.participant_id = outcomes.participant_id
    and follow_up.competency = outcomes.competency
    and follow_up.rater_type = outcomes.rater_type
