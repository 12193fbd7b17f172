{#- Seconds since 1970-01-01 00:00 UTC of an instant, as a double (fractions kept). -#}
{% macro epoch_seconds(instant) -%}
    {{ return(adapter.dispatch('epoch_seconds')(instant)) }}
{%- endmacro %}

{% macro default__epoch_seconds(instant) -%}
    epoch({{ instant }})
{%- endmacro %}

{% macro spark__epoch_seconds(instant) -%}
    (cast(unix_micros({{ instant }}) as double) / 1000000)
{%- endmacro %}
