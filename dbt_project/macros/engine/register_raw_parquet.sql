{#- on-run-start: make the loader's raw.* and quarantine.* tables readable by the engine.
    DuckDB builds inside the warehouse file that holds them, so there is nothing to do. On Spark
    each source is a table over the Parquet folder the refresh wrote for it
    (<COACHLENS_RAW_PARQUET_DIR>/<schema>/<table>/, pipelines/lib/parquet_export.py), except the
    sources written after the build (meta written_after_build: the evidence and the erasure log), which
    no model built on Spark reads. -#}
{% macro register_raw_parquet() -%}
    {{ return(adapter.dispatch('register_raw_parquet')()) }}
{%- endmacro %}

{% macro default__register_raw_parquet() -%}
{%- endmacro %}

{% macro spark__register_raw_parquet() -%}
    {%- set folder = env_var('COACHLENS_RAW_PARQUET_DIR', '') -%}
    {%- if execute and folder -%}
        {%- set schemas = [] -%}
        {%- for source in graph.sources.values() if not source.meta.get('written_after_build') -%}
            {%- if source.schema not in schemas -%}
                {%- do run_query('create schema if not exists ' ~ source.schema) -%}
                {%- do schemas.append(source.schema) -%}
            {%- endif -%}
            {%- set relation = source.schema ~ '.' ~ source.identifier -%}
            {%- do run_query('drop table if exists ' ~ relation) -%}
            {%- do run_query("create table " ~ relation ~ " using parquet location '"
                             ~ folder ~ "/" ~ source.schema ~ "/" ~ source.identifier ~ "'") -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
