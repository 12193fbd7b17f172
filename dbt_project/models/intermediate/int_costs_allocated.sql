-- Cost rows in the reporting currency (macros/money.sql: the rate in force on incurred_on, exact
-- DECIMAL), allocated to cohorts.
-- A row with a cohort_id belongs to that cohort; a row with only a sponsor_id is shared over all
-- of that sponsor's cohorts in proportion to their enrolled participants (equally when none are
-- enrolled). Rows whose share is 0 are dropped.
with costs as (
    select * from {{ ref('stg_landing__costs') }}
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
        case when sum(enrolled) over (partition by sponsor_id) > 0 then enrolled else 1 end as share_numerator,
        case when sum(enrolled) over (partition by sponsor_id) > 0
             then sum(enrolled) over (partition by sponsor_id)
             else count(*) over (partition by sponsor_id) end as share_denominator
    from enrolment
),

converted as (
    select
        costs.*,
        {{ fx_rate_as_of('costs.currency', 'costs.incurred_on') }} as fx_rate,
        {{ in_reporting_currency('costs.amount', 'costs.currency', 'costs.incurred_on') }} as converted_amount
    from costs
),

allocated as (
    select converted.*, converted.cohort_id as allocated_cohort_id, 1 as share_numerator, 1 as share_denominator
    from converted
    where converted.cohort_id is not null
    union all
    select converted.*, shares.cohort_id as allocated_cohort_id, shares.share_numerator, shares.share_denominator
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
    cast(allocated.share_numerator as double) / allocated.share_denominator as share,
    -- a cohort's own cost exactly; a share of a shared cost to 10 decimal places
    case when allocated.share_numerator = allocated.share_denominator then allocated.converted_amount
         else cast(cast(allocated.converted_amount as double) * allocated.share_numerator
                   / allocated.share_denominator as {{ money_type() }}) end as amount_reporting,
    allocated.coach_id,
    allocated.session_id
from allocated
inner join cohorts on cohorts.cohort_id = allocated.allocated_cohort_id
where allocated.share_numerator > 0
