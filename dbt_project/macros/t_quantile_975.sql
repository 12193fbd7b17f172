{#- Student t 0.975 quantile for df degrees of freedom: the exact seed value for df <= 100
    (t_quantiles, from scipy), else the Cornish-Fisher expansion in 1/df to the fourth order,
    whose error is below 1e-10 for df > 100. `seed_value` is the joined t_quantiles.t975. -#}
{% macro t_quantile_975(df, seed_value) -%}
    {%- set z = 'cast(1.959963984540054 as double)' -%}
    case
        when {{ df }} is null or {{ df }} < 1 then null
        when {{ df }} <= 100 then {{ seed_value }}
        else (
            {{ z }}
            + (pow({{ z }}, 3) + {{ z }}) / 4 / (cast({{ df }} as double))
            + (5 * pow({{ z }}, 5) + 16 * pow({{ z }}, 3) + 3 * {{ z }})
                / 96 / pow(cast({{ df }} as double), 2)
            + (3 * pow({{ z }}, 7) + 19 * pow({{ z }}, 5) + 17 * pow({{ z }}, 3)
                - 15 * {{ z }}) / 384 / pow(cast({{ df }} as double), 3)
            + (79 * pow({{ z }}, 9) + 776 * pow({{ z }}, 7) + 1482 * pow({{ z }}, 5)
                - 1920 * pow({{ z }}, 3) - 945 * {{ z }}) / 92160 / pow(cast({{ df }} as double), 4)
        )
    end
{%- endmacro %}
