{{ config(materialized="table") }}  -- read by cohort_comparison and its balance table: computed once
-- One row per person, window and outcome with a value (docs/metrics.md, cohort_comparison).
-- Participants: linked to an employee and employed on their cohort's start_date (grp participant,
-- keyed by cohort_id). Comparison pool: employees whose email is no participant's, employed on a
-- cohort's start_date (grp comparison, keyed by start_date: cohorts starting on the same day share
-- them). Stratum = (job_level, department, region) with blank as a value of its own ('').
-- retention: 1 = not left within the window, 0 = left (voluntary or blank exit_type); people who left
-- involuntarily within the window have no value. promotion (only when hr_events has rows): 1 = a
-- promotion event within the window. rating: latest rating in the window - latest rating in the
-- window_days days before start_date (no value without both).
with windows as (
    select * from {{ ref('int_comparison_windows') }}
),

start_dates as (
    select distinct start_date, window_end, pre_window_start from windows
),

employees as (
    select
        employee_id,
        email,
        coalesce(job_level, '') as job_level,
        coalesce(department, '') as department,
        coalesce(region, '') as region,
        hired_on,
        left_on,
        exit_type
    from {{ ref('stg_landing__employees') }}
),

participant_emails as (
    select distinct email from {{ ref('stg_landing__participants') }}
),

links as (
    select participant_id, cohort_id, employee_id
    from {{ ref('int_participant_employees') }}
    where employee_id is not null
),

hr_events as (
    select * from {{ ref('stg_landing__hr_events') }}
),

has_hr_events as (
    select count(*) > 0 as has_rows from hr_events
),

participant_people as (
    select
        'participant' as grp,
        windows.cohort_id,
        windows.start_date,
        windows.window_end,
        windows.pre_window_start,
        employees.*
    from links
    inner join windows on windows.cohort_id = links.cohort_id
    inner join employees on employees.employee_id = links.employee_id
),

pool_people as (
    select
        'comparison' as grp,
        cast(null as string) as cohort_id,
        start_dates.start_date,
        start_dates.window_end,
        start_dates.pre_window_start,
        employees.*
    from start_dates
    cross join employees
    left join participant_emails on participant_emails.email = employees.email
    where participant_emails.email is null
),

candidates as (
    select * from participant_people
    union all
    select * from pool_people
),

people as (
    select * from candidates
    where hired_on <= start_date and (left_on is null or left_on >= start_date)
),

promotions as (
    select people.grp, people.cohort_id, people.start_date, people.employee_id, count(*) as n_promotions
    from people
    inner join hr_events
        on hr_events.employee_id = people.employee_id
        and hr_events.event = 'promotion'
        and hr_events.event_on between people.start_date and people.window_end
    group by people.grp, people.cohort_id, people.start_date, people.employee_id
),

ratings as (
    select
        people.grp,
        people.cohort_id,
        people.start_date,
        people.employee_id,
        max_by(hr_events.value, hr_events.event_on)
            filter (where hr_events.event_on >= people.start_date) as rating_in_window,
        max_by(hr_events.value, hr_events.event_on)
            filter (where hr_events.event_on < people.start_date) as rating_before
    from people
    inner join hr_events
        on hr_events.employee_id = people.employee_id
        and hr_events.event = 'rating'
        and hr_events.event_on between people.pre_window_start and people.window_end
    group by people.grp, people.cohort_id, people.start_date, people.employee_id
),

retention as (
    select
        grp, cohort_id, start_date, employee_id, job_level, department, region,
        'retention' as outcome,
        case
            when left_on is not null and left_on <= window_end and exit_type = 'involuntary' then null
            when left_on is not null and left_on <= window_end then 0.0
            else 1.0
        end as value
    from people
),

promotion as (
    select
        people.grp, people.cohort_id, people.start_date, people.employee_id,
        people.job_level, people.department, people.region,
        'promotion' as outcome,
        case when promotions.n_promotions > 0 then 1.0 else 0.0 end as value
    from people
    cross join has_hr_events
    left join promotions
        on promotions.grp = people.grp
        and promotions.start_date = people.start_date
        and promotions.employee_id = people.employee_id
        and coalesce(promotions.cohort_id, '') = coalesce(people.cohort_id, '')
    where has_hr_events.has_rows
),

rating as (
    select
        people.grp, people.cohort_id, people.start_date, people.employee_id,
        people.job_level, people.department, people.region,
        'rating' as outcome,
        cast(ratings.rating_in_window - ratings.rating_before as double) as value
    from people
    inner join ratings
        on ratings.grp = people.grp
        and ratings.start_date = people.start_date
        and ratings.employee_id = people.employee_id
        and coalesce(ratings.cohort_id, '') = coalesce(people.cohort_id, '')
)

select * from retention where value is not null
union all
select * from promotion
union all
select * from rating where value is not null
