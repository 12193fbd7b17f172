-- One row per reason code: rows rejected for that reason over every landing file of the refresh.
with rejected as (
    select * from {{ ref('stg_quarantine__rejected_rows') }}
)

select reason_code, cast(count(*) as bigint) as rows_rejected
from rejected
group by reason_code
order by rows_rejected desc, reason_code
