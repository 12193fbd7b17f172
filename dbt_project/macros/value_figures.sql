{#- The money figures of docs/metrics.md (cohort_value) from per-group inputs, shared by cohort_value and
    sponsor_value: `relation` has benefit_estimated, se_estimated, benefit_retention, se_retention,
    cost_programme, coaching_hours. -#}
{% macro value_figures(relation) -%}
with totals as (
    select
        {{ relation }}.*,
        benefit_estimated + benefit_retention as benefit_total,
        cost_programme + coaching_hours * {{ participant_hour_cost() }} as cost_fully_loaded,
        coaching_hours * {{ participant_hour_cost() }} as cost_participant_time,
        1.96 * sqrt(se_estimated * se_estimated + se_retention * se_retention) as half_range
    from {{ relation }}
)

select
    totals.*,
    benefit_total - half_range as benefit_low,
    benefit_total + half_range as benefit_high,
    {{ safe_divide('benefit_total', 'cost_fully_loaded') }} as bcr,
    {{ safe_divide('100.0 * (benefit_total - cost_fully_loaded)', 'cost_fully_loaded') }} as roi_pct,
    {{ safe_divide('100.0 * (benefit_total - half_range - cost_fully_loaded)', 'cost_fully_loaded') }} as roi_pct_low,
    {{ safe_divide('100.0 * (benefit_total + half_range - cost_fully_loaded)', 'cost_fully_loaded') }} as roi_pct_high,
    {{ estimate_discount() }} as estimate_discount,
    {{ replacement_cost() }} as replacement_cost,
    {{ participant_hour_cost() }} as participant_hour_cost
from totals
{%- endmacro %}
