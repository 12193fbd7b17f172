-- One row per participant with the employee it links to, or why it links to none (internal: the
-- operations page lists the participants no employee matches, so the lead can fix the roster).
select * from {{ ref('int_participant_employees') }}
