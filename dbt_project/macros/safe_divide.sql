{#- A ratio that is NULL when its denominator is 0 or NULL (docs/metrics.md), never an error. -#}
{% macro safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0))
{%- endmacro %}
