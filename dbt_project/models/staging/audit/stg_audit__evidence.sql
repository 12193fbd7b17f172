-- The evidence table is written after the marts are built: created empty here when it does not exist
-- yet, so the views over it can be created (the evidence step replaces it with the same columns).
{{ config(enabled=target.type != 'spark',
          pre_hook=["create schema if not exists {{ source('audit', 'evidence').schema }}",
                    "create table if not exists {{ source('audit', 'evidence') }} (fingerprint varchar, record json)"]) }}
with source as (select * from {{ source('audit', 'evidence') }})
select fingerprint from source
