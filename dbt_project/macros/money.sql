{#- Money in the reporting currency (docs/metrics.md "Money"). Every amount is an exact DECIMAL from
    the landing file to the marts: an amount is converted at the exchange rate in force on its date
    and kept to 10 decimal places; sums of money are exact, so identical inputs give identical marts. -#}

{#- The money type of the marts. -#}
{% macro money_type() -%}
    decimal(38, 10)
{%- endmacro %}

{#- The rate to the reporting currency of `currency` on `on_date`: 1 for the reporting currency,
    otherwise the latest fx_rates row of that currency with valid_from <= on_date (NULL when none). -#}
{% macro fx_rate_as_of(currency, on_date) -%}
    case when {{ currency }} = '{{ var("reporting_currency") }}' then cast(1 as decimal(24, 18))
         else (select fx_as_of.rate_to_reporting from {{ ref('stg_landing__fx_rates') }} as fx_as_of
               where fx_as_of.currency = {{ currency }} and fx_as_of.valid_from <= {{ on_date }}
               order by fx_as_of.valid_from desc limit 1) end
{%- endmacro %}

{#- `amount` (in `currency`, dated `on_date`) in the reporting currency. -#}
{% macro in_reporting_currency(amount, currency, on_date) -%}
    cast(round({{ decimal_times(amount, fx_rate_as_of(currency, on_date)) }}, 10) as {{ money_type() }})
{%- endmacro %}

{#- A money amount per unit (cost per participant, per hour): NULL for a zero or NULL denominator. -#}
{% macro money_ratio(numerator, denominator) -%}
    cast({{ safe_divide(numerator, denominator) }} as {{ money_type() }})
{%- endmacro %}
