{#- The calendar date of an instant in an IANA time zone. -#}
{% macro local_date(instant, tz) -%}
    cast(timezone({{ tz }}, {{ instant }}) as date)
{%- endmacro %}
