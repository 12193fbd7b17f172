-- One row per participant, competency and rater type with a pre or a post score, and their follow_up
-- score. Self: the earliest pre response, and the latest post and the latest follow_up response that
-- scored the competency (by submitted_at, then response_id). Observers (manager, peer, direct_report):
-- the mean over all their responses in the wave.
with scores as (
    select * from {{ ref('int_competency_responses') }}
    where wave in ('pre', 'post', 'follow_up')
),

self_ranked as (
    select
        *,
        row_number() over (
            partition by participant_id, competency, wave
            order by
                case when wave = 'pre' then {{ epoch_seconds('submitted_at') }} else -{{ epoch_seconds('submitted_at') }} end,
                case when wave = 'pre' then response_id end asc,
                case when wave <> 'pre' then response_id end desc
        ) as rank_in_wave
    from scores
    where rater_type = 'self'
),

self_scores as (
    select participant_id, cohort_id, competency, rater_type, wave, score
    from self_ranked
    where rank_in_wave = 1
),

observer_scores as (
    select participant_id, cohort_id, competency, rater_type, wave, avg(score) as score
    from scores
    where rater_type <> 'self'
    group by all
),

wave_scores as (
    select * from self_scores
    union all
    select * from observer_scores
)

select
    participant_id,
    cohort_id,
    competency,
    rater_type,
    max(score) filter (where wave = 'pre') as pre_score,
    max(score) filter (where wave = 'post') as post_score,
    max(score) filter (where wave = 'follow_up') as follow_up_score
from wave_scores
group by participant_id, cohort_id, competency, rater_type
having count(*) filter (where wave in ('pre', 'post')) > 0
