-- One row per cohort x competency x rater type with at least one pre or post score (SPEC section 5):
-- paired change with a 95% Student t interval, Hedges' g, reliable change counts, post response rate.
with outcomes as (
    select * from {{ ref('int_participant_outcomes') }}
),

cohorts as (
    select cohort_id, sponsor_id from {{ ref('stg_landing__cohorts') }}
),

t_quantiles as (
    select * from {{ ref('t_quantiles') }}
),

grouped as (
    select
        cohort_id,
        competency,
        rater_type,
        count(*) filter (where is_paired) as n_paired,
        count(*) filter (where pre_score is not null) as n_pre,
        avg(pre_score) filter (where is_paired) as mean_pre,
        avg(post_score) filter (where is_paired) as mean_post,
        avg(change) filter (where is_paired) as mean_change,
        stddev_samp(change) filter (where is_paired) as sd_change,
        count(*) filter (where is_paired and reliably_improved) as n_reliably_improved,
        count(*) filter (where is_paired and reliably_deteriorated) as n_reliably_deteriorated
    from outcomes
    group by cohort_id, competency, rater_type
),

with_t as (
    select
        grouped.*,
        {{ t_quantile_975('grouped.n_paired - 1', 't_quantiles.t975') }} as t975
    from grouped
    left join t_quantiles on t_quantiles.df = grouped.n_paired - 1
)

select
    with_t.cohort_id,
    cohorts.sponsor_id,
    with_t.competency,
    with_t.rater_type,
    cast(with_t.n_paired as integer) as n_paired,
    with_t.mean_pre,
    with_t.mean_post,
    with_t.mean_change,
    case when with_t.n_paired >= 2 then with_t.sd_change end as sd_change,
    case when with_t.n_paired >= 2 then with_t.mean_change - with_t.t975 * with_t.sd_change / sqrt(with_t.n_paired) end
        as ci95_low,
    case when with_t.n_paired >= 2 then with_t.mean_change + with_t.t975 * with_t.sd_change / sqrt(with_t.n_paired) end
        as ci95_high,
    case when with_t.n_paired >= 3 and with_t.sd_change > 0
         then (with_t.mean_change / with_t.sd_change) * (1 - 3 / (4 * (with_t.n_paired - 1) - 1.0)) end as hedges_g,
    cast(with_t.n_reliably_improved as integer) as n_reliably_improved,
    cast(with_t.n_reliably_deteriorated as integer) as n_reliably_deteriorated,
    {{ safe_divide('100.0 * with_t.n_reliably_improved', 'with_t.n_paired') }} as pct_reliably_improved,
    {{ safe_divide('with_t.n_paired', 'with_t.n_pre') }} as response_rate_post,
    with_t.n_paired < {{ var('min_group_size') }} as suppressed
from with_t
inner join cohorts on cohorts.cohort_id = with_t.cohort_id
order by with_t.cohort_id, with_t.competency, with_t.rater_type
