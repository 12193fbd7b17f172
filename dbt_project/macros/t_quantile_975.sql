{#- Student t 0.975 quantile for df degrees of freedom: the exact seed value for df <= 100
    (t_quantiles, from scipy), else the Cornish-Fisher expansion in 1/df to the fourth order,
    whose error is below 1e-10 for df > 100. `seed_value` is the joined t_quantiles.t975. -#}
{% macro t_quantile_975(df, seed_value) -%}
    case
        when {{ df }} is null or {{ df }} < 1 then null
        when {{ df }} <= 100 then {{ seed_value }}
        else (
            1.959963984540054
            + (pow(1.959963984540054, 3) + 1.959963984540054) / 4 / ({{ df }})
            + (5 * pow(1.959963984540054, 5) + 16 * pow(1.959963984540054, 3) + 3 * 1.959963984540054)
                / 96 / pow({{ df }}, 2)
            + (3 * pow(1.959963984540054, 7) + 19 * pow(1.959963984540054, 5) + 17 * pow(1.959963984540054, 3)
                - 15 * 1.959963984540054) / 384 / pow({{ df }}, 3)
            + (79 * pow(1.959963984540054, 9) + 776 * pow(1.959963984540054, 7) + 1482 * pow(1.959963984540054, 5)
                - 1920 * pow(1.959963984540054, 3) - 945 * 1.959963984540054) / 92160 / pow({{ df }}, 4)
        )
    end
{%- endmacro %}
