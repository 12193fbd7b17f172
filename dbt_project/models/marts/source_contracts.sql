-- One row per source whose data contract was checked by this refresh: whether its Great Expectations
-- suite passed on the loaded rows and how many expectations it evaluated (audit.contract_validations,
-- written by the blocking contract checks before dbt runs; earlier refreshes' rows are left out).
with validations as (
    select * from {{ ref('stg_audit__contract_validations') }}
),

run as (
    select run_id from {{ ref('stg_landing__refresh_run') }}
)

select
    validations.source,
    validations.success as contract_passed,
    cast(validations.evaluated as integer) as expectations,
    cast(validations.unsuccessful as integer) as expectations_failed
from validations
inner join run on run.run_id = validations.run_id
order by validations.source
