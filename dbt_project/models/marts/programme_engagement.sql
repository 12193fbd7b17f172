-- One row for the whole programme (every sponsor and cohort): the funnel counts of participant_journey
-- (funnel_counts, the same definitions as cohort_engagement and sponsor_summary), among them the
-- interpolated median days from enrolment to the first completed session and the stalled participants.
-- No row when there are no participants. Operations page.
with journey as (
    select 'all' as programme, * from {{ ref('participant_journey') }}
),

funnel as (
    {{ funnel_counts('journey', 'programme') }}
)

select
    cast(enrolled as integer) as enrolled,
    cast(matched as integer) as matched,
    cast(activated as integer) as activated,
    cast(reached_midpoint as integer) as reached_midpoint,
    cast(completed as integer) as completed,
    cast(median_days_to_first_session as double) as median_days_to_first_session,
    cast(stalled as integer) as stalled,
    cast(coaching_hours as double) as coaching_hours
from funnel
