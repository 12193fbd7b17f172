{#- The wall-clock time of an instant in an IANA time zone (a timestamp without zone). -#}
{% macro local_timestamp(instant, tz) -%}
    {{ return(adapter.dispatch('local_timestamp')(instant, tz)) }}
{%- endmacro %}

{% macro default__local_timestamp(instant, tz) -%}
    timezone({{ tz }}, {{ instant }})
{%- endmacro %}

{#- Spark's session time zone is pinned to UTC (profiles.yml), so the shifted instant reads as local time. -#}
{% macro spark__local_timestamp(instant, tz) -%}
    from_utc_timestamp({{ instant }}, {{ tz }})
{%- endmacro %}
