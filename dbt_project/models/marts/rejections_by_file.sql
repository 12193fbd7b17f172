-- One row per landing file and reason code with rejected rows: how many, the first rejected row, and
-- that row's column and reason as an example of what to fix.
with rejected as (
    select * from {{ ref('stg_quarantine__rejected_rows') }}
),

counted as (
    select file, reason_code, count(*) as rows_rejected, min(row_number) as first_row
    from rejected
    group by file, reason_code
),

first_examples as (
    select
        file,
        reason_code,
        column_name,
        reason,
        row_number() over (partition by file, reason_code order by rejected.row_number, column_name) as nth
    from rejected
)

select
    counted.file,
    counted.reason_code,
    cast(counted.rows_rejected as bigint) as rows_rejected,
    cast(counted.first_row as bigint) as first_row,
    first_examples.column_name as example_column,
    first_examples.reason as example_reason
from counted
inner join first_examples
    on first_examples.file = counted.file and first_examples.reason_code = counted.reason_code
    and first_examples.nth = 1
order by rows_rejected desc, counted.file, counted.reason_code
