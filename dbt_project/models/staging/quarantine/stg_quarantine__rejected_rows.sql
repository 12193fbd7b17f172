with source as (select * from {{ source('quarantine', 'rejected_rows') }})
select source, file, file_sha256, row_number, column_name, reason_code, reason, other_problems, loaded_at
from source
