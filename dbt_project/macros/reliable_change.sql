{#- The Jacobson-Truax thresholds of a reliable change index (docs/metrics.md, cohort_outcomes): improved when RCI > 1.96,
    deteriorated when RCI < -1.96; an RCI that cannot be computed (NULL) is neither. -#}
{% macro rci_improved(rci) -%}
    coalesce({{ rci }} > 1.96, false)
{%- endmacro %}

{% macro rci_deteriorated(rci) -%}
    coalesce({{ rci }} < -1.96, false)
{%- endmacro %}
