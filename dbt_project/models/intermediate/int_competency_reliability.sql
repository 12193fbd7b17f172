-- Cronbach's alpha per competency (sample variances) over each participant's earliest complete
-- pre self response: the earliest pre self response that answered every item of the competency
-- (item scores of int_item_scores: reverse-scored items turned round).
-- r = alpha when the competency has >= 2 items and >= 30 such respondents, else default_reliability.
with items as (
    select * from {{ ref('stg_landing__survey_items') }}
    where kind = 'competency'
),

item_counts as (
    select competency, count(*) as n_items from items group by competency
),

answers as (
    select response_id, participant_id, submitted_at, competency, item_id, item_score
    from {{ ref('int_item_scores') }}
    where kind = 'competency' and wave = 'pre' and rater_type = 'self'
),

complete_responses as (
    select answers.participant_id, answers.response_id, answers.competency, min(answers.submitted_at) as submitted_at
    from answers
    inner join item_counts using (competency)
    group by answers.participant_id, answers.response_id, answers.competency, item_counts.n_items
    having count(distinct answers.item_id) = item_counts.n_items
),

earliest_complete as (
    select *
    from complete_responses
    qualify row_number() over (partition by participant_id, competency order by submitted_at, response_id) = 1
),

respondent_items as (
    select answers.competency, answers.participant_id, answers.item_id, answers.item_score
    from answers
    inner join earliest_complete using (response_id, participant_id, competency)
),

item_variances as (
    select competency, item_id, var_samp(item_score) as item_variance
    from respondent_items
    group by competency, item_id
),

totals as (
    select competency, participant_id, sum(item_score) as total
    from respondent_items
    group by competency, participant_id
),

alpha as (
    select
        item_counts.competency,
        item_counts.n_items,
        (select count(*) from totals t where t.competency = item_counts.competency) as n_respondents,
        (select sum(item_variance) from item_variances v where v.competency = item_counts.competency) as sum_item_var,
        (select var_samp(total) from totals t where t.competency = item_counts.competency) as total_var
    from item_counts
)

select
    competency,
    cast(n_items as integer) as n_items,
    cast(n_respondents as integer) as n_respondents,
    case when n_items >= 2 and total_var > 0
         then (n_items / (n_items - 1.0)) * (1 - sum_item_var / total_var) end as cronbach_alpha,
    case when n_items >= 2 and n_respondents >= 30 and total_var > 0
         then (n_items / (n_items - 1.0)) * (1 - sum_item_var / total_var)
         else {{ var('default_reliability') }} end as reliability,
    n_items >= 2 and n_respondents >= 30 and total_var > 0 as reliability_from_data
from alpha
