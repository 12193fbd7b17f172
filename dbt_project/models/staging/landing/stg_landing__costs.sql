with source as (select * from {{ source('landing', 'costs') }})
select
    cost_id, incurred_on, category, amount, currency, cohort_id, sponsor_id, _coach_id as coach_id,
    session_id, invoice_id, description
from source
