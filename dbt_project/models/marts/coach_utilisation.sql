-- One row per coach and local month with at least one completed session: sessions, hours,
-- capacity (monthly_capacity_hours), utilisation = hours / capacity, distinct participants, and
-- the mean satisfaction (rescaled to 0-1 by int_item_scores) of answers tied to those sessions; the coach's
-- name and whether the hours exceed the capacity (internal: the operations page).
with sessions as (
    select * from {{ ref('int_sessions_classified') }}
    where status = 'completed'
),

coaches as (
    select coach_id, full_name, monthly_capacity_hours from {{ ref('stg_landing__coaches') }}
),

ratings as (
    select session_id, rescaled_score as rating
    from {{ ref('int_item_scores') }}
    where kind = 'satisfaction' and session_id is not null
),

monthly as (
    select
        coach_id,
        month,
        count(*) as sessions,
        sum(duration_minutes) / 60.0 as hours,
        count(distinct participant_id) as participants
    from sessions
    group by coach_id, month
),

monthly_ratings as (
    select sessions.coach_id, sessions.month, avg(ratings.rating) as mean_session_rating
    from sessions
    inner join ratings on ratings.session_id = sessions.session_id
    group by sessions.coach_id, sessions.month
)

select
    monthly.coach_id,
    monthly.month,
    cast(monthly.sessions as integer) as sessions,
    cast(monthly.hours as double) as hours,
    cast(coaches.monthly_capacity_hours as double) as capacity,
    {{ safe_divide('monthly.hours', 'coaches.monthly_capacity_hours') }} as utilisation,
    cast(monthly.participants as integer) as participants,
    monthly_ratings.mean_session_rating,
    coaches.full_name as coach_name,
    coalesce(coaches.monthly_capacity_hours > 0 and monthly.hours > coaches.monthly_capacity_hours, false)
        as is_over_capacity
from monthly
inner join coaches using (coach_id)
left join monthly_ratings using (coach_id, month)
order by monthly.coach_id, monthly.month
