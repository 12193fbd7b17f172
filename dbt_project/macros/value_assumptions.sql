{#- The value assumptions of docs/metrics.md ([value] in coachlens.toml, passed as dbt vars), with
    their defaults in one place. replacement_cost is NULL when unset. -#}
{% macro window_days() -%}
    {{ var('window_days', 365) }}
{%- endmacro %}

{% macro participant_hour_cost() -%}
    cast({{ var('participant_hour_cost', 0) }} as double)
{%- endmacro %}

{% macro estimate_discount() -%}
    cast({{ var('estimate_discount', 0) }} as double)
{%- endmacro %}

{% macro replacement_cost() -%}
    {%- set value = var('replacement_cost', none) -%}
    {%- if value is none or value == '' -%} cast(null as double) {%- else -%} cast({{ value }} as double) {%- endif -%}
{%- endmacro %}
