-- Operations page only (names and emails; no sponsor page reads it): participants no employee of the HR
-- roster matches (participant_employee_links without an employee_id), with why, so the email can be fixed.
with links as (
    select * from {{ ref('participant_employee_links') }}
    where employee_id is null
),

participants as (
    select * from {{ ref('stg_landing__participants') }}
),

directory as (
    select * from {{ ref('cohort_directory') }}
)

select participants.full_name, participants.email, directory.cohort_name, links.unmatched_reason
from links
inner join participants on participants.participant_id = links.participant_id
inner join directory on directory.cohort_id = links.cohort_id
order by directory.cohort_name, participants.full_name, participants.email
