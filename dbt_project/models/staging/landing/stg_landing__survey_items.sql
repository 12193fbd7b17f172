with source as (select * from {{ source('landing', 'survey_items') }})
select item_id, kind, competency, scale_min, scale_max, reverse_scored, text from source
