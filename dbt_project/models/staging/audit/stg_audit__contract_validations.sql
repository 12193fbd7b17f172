with source as (select * from {{ source('audit', 'contract_validations') }})
select run_id, source, validated_at, success, evaluated, unsuccessful, rows_validated, rows_in_raw, rows_rejected
from source
