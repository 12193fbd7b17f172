{#- The exact product of a money amount (DECIMAL(20,6)) and an exchange rate (DECIMAL(24,18)).
    DuckDB keeps the wider input's precision for a product, so the amount is widened first;
    Spark widens by itself (precision 45 is adjusted to DECIMAL(38,17)). Either way the result
    is rounded by the caller, far above where the engines could differ. -#}
{% macro decimal_times(amount, rate) -%}
    {{ return(adapter.dispatch('decimal_times')(amount, rate)) }}
{%- endmacro %}

{% macro default__decimal_times(amount, rate) -%}
    (cast({{ amount }} as decimal(38, 6)) * {{ rate }})
{%- endmacro %}

{% macro spark__decimal_times(amount, rate) -%}
    (cast({{ amount }} as decimal(20, 6)) * cast({{ rate }} as decimal(24, 18)))
{%- endmacro %}
