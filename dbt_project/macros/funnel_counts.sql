{#- Funnel counts of participant_journey rows per group (a cohort or a sponsor): used by
    cohort_engagement and sponsor_summary. -#}
{% macro funnel_counts(relation, group_col) -%}
    select
        {{ group_col }},
        count(*) as enrolled,
        count(*) filter (where is_matched) as matched,
        count(*) filter (where is_activated) as activated,
        count(*) filter (where reached_midpoint) as reached_midpoint,
        count(*) filter (where is_completed) as completed,
        median(days_to_first_session) filter (where is_activated) as median_days_to_first_session,
        count(*) filter (where is_stalled) as stalled,
        sum(coaching_hours) as coaching_hours
    from {{ relation }}
    group by {{ group_col }}
{%- endmacro %}
