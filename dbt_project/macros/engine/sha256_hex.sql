{#- The SHA-256 digest of a string as 64 lowercase hex digits. -#}
{% macro sha256_hex(text) -%}
    {{ return(adapter.dispatch('sha256_hex')(text)) }}
{%- endmacro %}

{% macro default__sha256_hex(text) -%}
    sha256({{ text }})
{%- endmacro %}

{% macro spark__sha256_hex(text) -%}
    sha2({{ text }}, 256)
{%- endmacro %}
