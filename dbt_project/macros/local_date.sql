{#- The calendar date of an instant in an IANA time zone. -#}
{% macro local_date(instant, tz) -%}
    cast({{ local_timestamp(instant, tz) }} as date)
{%- endmacro %}
