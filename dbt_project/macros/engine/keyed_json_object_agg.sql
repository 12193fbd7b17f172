{#- Aggregate: a JSON object text {"key": value, ...} of the group's rows, keys in ascending order. -#}
{% macro keyed_json_object_agg(key, value) -%}
    {{ return(adapter.dispatch('keyed_json_object_agg')(key, value)) }}
{%- endmacro %}

{% macro default__keyed_json_object_agg(key, value) -%}
    to_json(map(list({{ key }} order by {{ key }}), list({{ value }} order by {{ key }})))::varchar
{%- endmacro %}

{% macro spark__keyed_json_object_agg(key, value) -%}
    to_json(map_from_entries(array_sort(collect_list(struct({{ key }}, {{ value }})))))
{%- endmacro %}
