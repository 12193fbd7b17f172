-- One row per cohort x competency x rater type with at least one participant who has a post and a
-- follow_up score (docs/metrics.md): change from post to follow-up with a 95% Student t interval, and
-- how many participants reliably improved at post were still reliably improved at follow-up.
with followed as (
    select * from {{ ref('int_participant_durability') }}
),

cohorts as (
    select cohort_id, sponsor_id from {{ ref('stg_landing__cohorts') }}
),

grouped as (
    select
        cohort_id,
        competency,
        rater_type,
        count(*) as n_followed,
        avg(post_score) as mean_post,
        avg(follow_up_score) as mean_follow_up,
        avg(change_since_post) as mean_change_since_post,
        stddev_samp(change_since_post) as sd_change,
        count(*) filter (where improved_at_post and improved_at_follow_up) as n_sustained,
        count(*) filter (where improved_at_post and not improved_at_follow_up) as n_faded
    from followed
    group by cohort_id, competency, rater_type
),

with_t as (
    select grouped.*, {{ t_quantile_975('grouped.n_followed - 1', 't_quantiles.t975') }} as t975
    from grouped
    left join {{ ref('t_quantiles') }} as t_quantiles on t_quantiles.df = grouped.n_followed - 1
)

select
    with_t.cohort_id,
    cohorts.sponsor_id,
    with_t.competency,
    with_t.rater_type,
    cast(with_t.n_followed as integer) as n_followed,
    with_t.mean_post,
    with_t.mean_follow_up,
    with_t.mean_change_since_post,
    case when with_t.n_followed >= 2 then with_t.sd_change end as sd_change,
    case when with_t.n_followed >= 2
         then with_t.mean_change_since_post - with_t.t975 * with_t.sd_change / sqrt(with_t.n_followed) end as ci95_low,
    case when with_t.n_followed >= 2
         then with_t.mean_change_since_post + with_t.t975 * with_t.sd_change / sqrt(with_t.n_followed) end as ci95_high,
    cast(with_t.n_sustained as integer) as n_sustained,
    cast(with_t.n_faded as integer) as n_faded,
    {{ safe_divide('100.0 * with_t.n_sustained', 'with_t.n_sustained + with_t.n_faded') }} as pct_sustained,
    with_t.n_followed < {{ var('min_group_size') }} as suppressed,
    cast(with_t.n_sustained + with_t.n_faded as integer) as n_improved_at_post,
    with_t.n_followed < {{ var('min_group_size') }}
        or with_t.n_sustained + with_t.n_faded < {{ var('min_group_size') }} as sustained_suppressed
from with_t
inner join cohorts on cohorts.cohort_id = with_t.cohort_id
order by with_t.cohort_id, with_t.competency, with_t.rater_type
