-- Reliable change (Jacobson-Truax) per participant, competency and rater type:
-- SEm = SD_pre * sqrt(1 - r), S_diff = sqrt(2) * SEm, RCI = (post - pre) / S_diff.
-- SD_pre: sample SD of participant-level pre scores of the competency and rater type, pooled
-- over all cohorts. An RCI that cannot be computed counts as neither improved nor deteriorated.
with scores as (
    select * from {{ ref('int_participant_competency_scores') }}
),

reliability as (
    select competency, reliability from {{ ref('int_competency_reliability') }}
),

sd_pre as (
    select competency, rater_type, stddev_samp(pre_score) as sd_pre
    from scores
    where pre_score is not null
    group by competency, rater_type
),

with_reliability as (
    select
        scores.*,
        sd_pre.sd_pre,
        coalesce(reliability.reliability, {{ var('default_reliability') }}) as reliability
    from scores
    left join sd_pre using (competency, rater_type)
    left join reliability using (competency)
),

with_s_diff as (
    select *, sqrt(2) * sd_pre * sqrt(1 - reliability) as s_diff
    from with_reliability
),

rci as (
    select *, (post_score - pre_score) / nullif(s_diff, 0) as rci
    from with_s_diff
)

select
    *,
    pre_score is not null and post_score is not null as is_paired,
    post_score - pre_score as change,
    {{ rci_improved('rci') }} as reliably_improved,
    {{ rci_deteriorated('rci') }} as reliably_deteriorated
from rci
