-- One row per cohort for the cohort table of its sponsor's page: engagement rates, NPS and goal attainment,
-- each with the flag that hides it. `display_suppressed` hides the whole row: the cohort is suppressed
-- (enrolled < min_group_size), or it is its sponsor's smallest shown cohort while exactly one other cohort
-- is suppressed (complementary suppression, ties by start date then cohort id). NPS and GAS T-score are
-- about fewer people than the row (those who answered, those with a rated goal) and carry their own flags.
with directory as (
    select * from {{ ref('cohort_directory') }}
),

engagement as (
    select * from {{ ref('cohort_engagement') }}
),

goals as (
    select * from {{ ref('cohort_goals') }}
),

satisfaction as (
    select * from {{ ref('cohort_satisfaction') }}
),

cohorts as (
    select
        directory.cohort_id,
        directory.sponsor_id,
        directory.cohort_name,
        directory.program_name,
        directory.start_date,
        directory.end_date,
        engagement.enrolled,
        engagement.activation_rate,
        engagement.attendance_rate,
        engagement.completion_rate,
        engagement.coaching_hours,
        satisfaction.nps,
        satisfaction.nps_responses,
        goals.mean_gas_tscore,
        goals.n_gas_participants,
        engagement.suppressed
    from directory
    inner join engagement on engagement.cohort_id = directory.cohort_id
    left join goals on goals.cohort_id = directory.cohort_id
    left join satisfaction on satisfaction.cohort_id = directory.cohort_id
)

select
    cohort_id,
    sponsor_id,
    cohort_name,
    program_name,
    start_date,
    end_date,
    end_date > date '{{ var("as_of") }}' as is_running,
    enrolled,
    activation_rate,
    attendance_rate,
    completion_rate,
    coaching_hours,
    nps,
    coalesce(nps_responses, 0) < {{ var('min_group_size') }} as nps_suppressed,
    mean_gas_tscore,
    coalesce(n_gas_participants, 0) < {{ var('min_group_size') }} as gas_suppressed,
    suppressed,
    {{ complementary_suppression('suppressed', 'enrolled', 'sponsor_id', 'start_date, cohort_id') }} as display_suppressed
from cohorts
order by sponsor_id, start_date, cohort_id
