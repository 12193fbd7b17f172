-- One row per landing file the refresh saw (raw.file_manifest): its source, whether it was read (ok),
-- could not be read (failed, with what to fix) or was left out (skipped), and its rows read, loaded and
-- rejected.
with manifest as (
    select * from {{ ref('stg_landing__file_manifest') }}
)

select
    path,
    source,
    status,
    cast(rows_read as bigint) as rows_read,
    cast(rows_loaded as bigint) as rows_loaded,
    cast(rows_rejected as bigint) as rows_rejected,
    message
from manifest
order by path
