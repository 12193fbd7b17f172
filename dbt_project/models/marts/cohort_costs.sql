-- One row per cohort: spend by category, budget use, unit costs, spend on missed sessions and a
-- run-rate forecast (docs/metrics.md). Money in the reporting currency, exact DECIMAL (macros/money.sql);
-- zero denominators give NULL.
with cohorts as (
    select * from {{ ref('stg_landing__cohorts') }}
),

allocated as (
    select * from {{ ref('int_costs_allocated') }}
),

engagement as (
    select * from {{ ref('cohort_engagement') }}
),

sessions as (
    select session_id, status from {{ ref('int_sessions_classified') }}
),

improved as (
    select cohort_id, count(*) as reliably_improved
    from {{ ref('int_participants_improved') }}
    group by cohort_id
),

spend as (
    select
        cohort_id,
        sum(amount_reporting) as total_cost,
        sum(amount_reporting) filter (where category = 'coaching_fee') as coaching_fee,
        sum(amount_reporting) filter (where category = 'licence') as licence,
        sum(amount_reporting) filter (where category = 'assessment') as assessment,
        sum(amount_reporting) filter (where category = 'administration') as administration,
        sum(amount_reporting) filter (where category = 'other') as other
    from allocated
    group by cohort_id
),

missed as (
    select allocated.cohort_id, sum(allocated.amount_reporting) as spend_on_missed_sessions
    from allocated
    inner join sessions on sessions.session_id = allocated.session_id
    where allocated.category = 'coaching_fee' and sessions.status in ('no_show', 'late_cancelled')
    group by allocated.cohort_id
),

budgets as (
    select
        cohorts.cohort_id,
        {{ in_reporting_currency('cohorts.budget_amount', 'cohorts.currency', 'cohorts.start_date') }} as budget
    from cohorts
),

combined as (
    select
        cohorts.cohort_id,
        cohorts.sponsor_id,
        cohorts.start_date,
        cohorts.end_date,
        coalesce(spend.total_cost, 0) as total_cost,
        coalesce(spend.coaching_fee, 0) as coaching_fee,
        coalesce(spend.licence, 0) as licence,
        coalesce(spend.assessment, 0) as assessment,
        coalesce(spend.administration, 0) as administration,
        coalesce(spend.other, 0) as other,
        budgets.budget,
        engagement.enrolled,
        engagement.activated,
        engagement.completed,
        engagement.sessions_completed,
        engagement.coaching_hours,
        coalesce(improved.reliably_improved, 0) as reliably_improved,
        coalesce(missed.spend_on_missed_sessions, 0) as spend_on_missed_sessions,
        ({{ dbt.datediff('cohorts.start_date', 'cohorts.end_date', 'day') }} + 1) as cohort_days,
        least({{ dbt.datediff('cohorts.start_date', "date '" ~ var('as_of') ~ "'", 'day') }} + 1,
              {{ dbt.datediff('cohorts.start_date', 'cohorts.end_date', 'day') }} + 1)
            as elapsed_days
    from cohorts
    left join spend using (cohort_id)
    left join budgets using (cohort_id)
    left join engagement using (cohort_id)
    left join improved using (cohort_id)
    left join missed using (cohort_id)
)

select
    cohort_id,
    sponsor_id,
    cast(total_cost as {{ money_type() }}) as total_cost,
    cast(coaching_fee as {{ money_type() }}) as coaching_fee,
    cast(licence as {{ money_type() }}) as licence,
    cast(assessment as {{ money_type() }}) as assessment,
    cast(administration as {{ money_type() }}) as administration,
    cast(other as {{ money_type() }}) as other,
    cast(budget as {{ money_type() }}) as budget,
    {{ safe_divide('100.0 * total_cost', 'budget') }} as budget_used_pct,
    {{ money_ratio('total_cost', 'enrolled') }} as cost_per_enrolled,
    {{ money_ratio('total_cost', 'activated') }} as cost_per_activated,
    {{ money_ratio('total_cost', 'completed') }} as cost_per_completed,
    {{ money_ratio('total_cost', 'sessions_completed') }} as cost_per_session,
    {{ money_ratio('total_cost', 'coaching_hours') }} as cost_per_coaching_hour,
    {{ money_ratio('total_cost', 'reliably_improved') }} as cost_per_reliably_improved,
    cast(spend_on_missed_sessions as {{ money_type() }}) as spend_on_missed_sessions,
    case
        when date '{{ var("as_of") }}' < start_date then cast(total_cost as {{ money_type() }})
        else cast(cast(total_cost as double) / nullif(elapsed_days, 0) * cohort_days as {{ money_type() }})
    end as forecast_total_at_end
from combined
order by cohort_id
