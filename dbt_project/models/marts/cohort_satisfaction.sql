-- One row per cohort: Net Promoter Score from each participant's latest self answer to an nps item
-- (any wave; ties by response_id, then item_id), and the mean session rating: every satisfaction
-- answer rescaled to 0-1 (int_item_scores.rescaled_score).
with answers as (
    select * from {{ ref('int_item_scores') }}
    where kind in ('nps', 'satisfaction')
),

participants as (
    select participant_id, cohort_id from {{ ref('stg_landing__participants') }}
),

cohorts as (
    select cohort_id, sponsor_id from {{ ref('stg_landing__cohorts') }}
),

nps_latest as (
    select participant_id, score
    from answers
    where kind = 'nps' and rater_type = 'self'
    qualify row_number() over (
        partition by participant_id order by submitted_at desc, response_id desc, item_id desc) = 1
),

nps as (
    select
        participants.cohort_id,
        count(*) as nps_responses,
        count(*) filter (where score >= 9) as promoters,
        count(*) filter (where score > 6 and score < 9) as passives,
        count(*) filter (where score <= 6) as detractors
    from nps_latest
    inner join participants using (participant_id)
    group by participants.cohort_id
),

satisfaction as (
    select
        participants.cohort_id,
        avg(answers.rescaled_score) as mean_session_rating,
        count(distinct answers.response_id) as satisfaction_responses
    from answers
    inner join participants on participants.participant_id = answers.participant_id
    where answers.kind = 'satisfaction'
    group by participants.cohort_id
)

select
    cohorts.cohort_id,
    cohorts.sponsor_id,
    cast(coalesce(nps.nps_responses, 0) as integer) as nps_responses,
    cast(coalesce(nps.promoters, 0) as integer) as promoters,
    cast(coalesce(nps.passives, 0) as integer) as passives,
    cast(coalesce(nps.detractors, 0) as integer) as detractors,
    {{ safe_divide('100.0 * (nps.promoters - nps.detractors)', 'nps.nps_responses') }} as nps,
    satisfaction.mean_session_rating,
    cast(coalesce(satisfaction.satisfaction_responses, 0) as integer) as satisfaction_responses,
    coalesce(nps.nps_responses, 0) < {{ var('min_group_size') }} as suppressed
from cohorts
left join nps using (cohort_id)
left join satisfaction using (cohort_id)
order by cohorts.cohort_id
