-- One row per participant, competency and rater type with a post and a follow_up score (docs/metrics.md,
-- cohort_durability); the follow_up score is formed like the post score (int_participant_competency_scores).
-- The pre -> follow_up RCI uses the same S_diff (SD_pre and reliability) as the pre -> post RCI.
with outcomes as (
    select * from {{ ref('int_participant_outcomes') }}
    where post_score is not null and follow_up_score is not null
)

select
    participant_id,
    cohort_id,
    competency,
    rater_type,
    pre_score,
    post_score,
    follow_up_score,
    follow_up_score - post_score as change_since_post,
    reliably_improved as improved_at_post,
    {{ rci_improved(safe_divide('follow_up_score - pre_score', 's_diff')) }} as improved_at_follow_up
from outcomes
