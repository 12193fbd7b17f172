-- Cost rows in the reporting currency, allocated to cohorts. The rate is the latest fx_rates row
-- of the cost's currency with valid_from <= incurred_on (the reporting currency has rate 1).
-- A row with a cohort_id belongs to that cohort; a row with only a sponsor_id is shared over all
-- of that sponsor's cohorts in proportion to their enrolled participants (equally when none are
-- enrolled). Rows whose share is 0 are dropped.
with costs as (
    select * from {{ ref('stg_landing__costs') }}
),

fx as (
    select * from {{ ref('stg_landing__fx_rates') }}
),

cohorts as (
    select cohort_id, sponsor_id from {{ ref('stg_landing__cohorts') }}
),

enrolment as (
    select cohorts.cohort_id, cohorts.sponsor_id, count(participants.participant_id) as enrolled
    from cohorts
    left join {{ ref('stg_landing__participants') }} as participants using (cohort_id)
    group by cohorts.cohort_id, cohorts.sponsor_id
),

shares as (
    select
        cohort_id,
        sponsor_id,
        case when sum(enrolled) over (partition by sponsor_id) > 0
             then enrolled / sum(enrolled) over (partition by sponsor_id)
             else 1.0 / count(*) over (partition by sponsor_id) end as share
    from enrolment
),

converted as (
    select
        costs.*,
        case when costs.currency = '{{ var("reporting_currency") }}' then 1.0
             else (select f.rate_to_reporting from fx f
                   where f.currency = costs.currency and f.valid_from <= costs.incurred_on
                   order by f.valid_from desc limit 1) end as fx_rate
    from costs
),

allocated as (
    select converted.*, converted.cohort_id as allocated_cohort_id, 1.0 as share
    from converted
    where converted.cohort_id is not null
    union all
    select converted.*, shares.cohort_id as allocated_cohort_id, shares.share
    from converted
    inner join shares on shares.sponsor_id = converted.sponsor_id
    where converted.cohort_id is null
)

select
    allocated.cost_id,
    allocated.incurred_on,
    cast(date_trunc('month', allocated.incurred_on) as date) as month,
    allocated.category,
    allocated.amount,
    allocated.currency,
    allocated.fx_rate,
    allocated.allocated_cohort_id as cohort_id,
    cohorts.sponsor_id,
    allocated.cohort_id is null as is_shared,
    allocated.share,
    allocated.amount * allocated.fx_rate * allocated.share as amount_reporting,
    allocated.coach_id,
    allocated.session_id
from allocated
inner join cohorts on cohorts.cohort_id = allocated.allocated_cohort_id
where allocated.share > 0
