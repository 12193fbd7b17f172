{#- Sessions of int_sessions_classified rows per group (a participant, a cohort, a sponsor, a cohort and
    month): counts by effective status, the attendance denominator (completed, no_show, late_cancelled),
    hours coached (completed sessions) and the local dates of the first and last completed session.
    Used by participant_journey, cohort_engagement, monthly_sessions and sponsor_summary. -#}
{% macro session_counts(relation, group_cols) -%}
    select
        {{ group_cols | join(', ') }},
        count(*) filter (where status = 'completed') as sessions_completed,
        count(*) filter (where status = 'no_show') as sessions_no_show,
        count(*) filter (where status = 'late_cancelled') as sessions_late_cancelled,
        count(*) filter (where status = 'cancelled') as sessions_cancelled,
        count(*) filter (where status = 'scheduled') as sessions_scheduled,
        count(*) filter (where is_attendance_eligible) as sessions_eligible,
        coalesce(sum(duration_minutes) filter (where status = 'completed'), 0) / 60.0 as coaching_hours,
        min(local_date) filter (where status = 'completed') as first_session_on,
        max(local_date) filter (where status = 'completed') as last_session_on
    from {{ relation }}
    group by {{ group_cols | join(', ') }}
{%- endmacro %}
