-- One row per participant: the employee it links to (docs/landing.md), the employee whose email
-- equals the participant's email when exactly one employee has that email; otherwise employee_id is
-- NULL and unmatched_reason says why (listed on the operations page).
with participants as (
    select participant_id, cohort_id, email from {{ ref('stg_landing__participants') }}
),

employees as (
    select employee_id, email from {{ ref('stg_landing__employees') }}
),

email_counts as (
    select email, count(*) as n_employees from employees group by email
)

select
    participants.participant_id,
    participants.cohort_id,
    employees.employee_id,
    case
        when email_counts.n_employees is null then 'no employee has this email'
        when email_counts.n_employees > 1 then 'several employees have this email'
    end as unmatched_reason
from participants
left join email_counts on email_counts.email = participants.email
left join employees
    on employees.email = participants.email
    and email_counts.n_employees = 1
