{#- The paired-change statistics of docs/metrics.md (cohort_outcomes), for any grouping of
    int_participant_outcomes rows: `relation` has the group columns plus pre_score, is_paired, change,
    reliably_improved, reliably_deteriorated. Used by cohort_outcomes and sponsor_outcomes. -#}
{% macro paired_change_stats(relation, group_cols) -%}
with grouped as (
    select
        {{ group_cols | join(', ') }},
        count(*) filter (where is_paired) as n_paired,
        count(*) filter (where pre_score is not null) as n_pre,
        avg(pre_score) filter (where is_paired) as mean_pre,
        avg(post_score) filter (where is_paired) as mean_post,
        avg(change) filter (where is_paired) as mean_change,
        stddev_samp(change) filter (where is_paired) as sd_change,
        count(*) filter (where is_paired and reliably_improved) as n_reliably_improved,
        count(*) filter (where is_paired and reliably_deteriorated) as n_reliably_deteriorated
    from {{ relation }}
    group by {{ group_cols | join(', ') }}
),

with_t as (
    select grouped.*, {{ t_quantile_975('grouped.n_paired - 1', 't_quantiles.t975') }} as t975
    from grouped
    left join {{ ref('t_quantiles') }} as t_quantiles on t_quantiles.df = grouped.n_paired - 1
)

select
    {{ group_cols | join(', ') }},
    cast(n_paired as integer) as n_paired,
    mean_pre,
    mean_post,
    mean_change,
    case when n_paired >= 2 then sd_change end as sd_change,
    case when n_paired >= 2 then mean_change - t975 * sd_change / sqrt(n_paired) end as ci95_low,
    case when n_paired >= 2 then mean_change + t975 * sd_change / sqrt(n_paired) end as ci95_high,
    case when n_paired >= 3 and sd_change > 0
         then (mean_change / sd_change) * (1 - 3 / (4 * (n_paired - 1) - 1.0)) end as hedges_g,
    cast(n_reliably_improved as integer) as n_reliably_improved,
    cast(n_reliably_deteriorated as integer) as n_reliably_deteriorated,
    {{ safe_divide('100.0 * n_reliably_improved', 'n_paired') }} as pct_reliably_improved,
    {{ safe_divide('n_paired', 'n_pre') }} as response_rate_post,
    n_paired < {{ var('min_group_size') }} as suppressed
from with_t
{%- endmacro %}
