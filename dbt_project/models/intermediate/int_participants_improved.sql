-- One row per participant who reliably improved (RCI > 1.96 between a pre and a post score) on at least
-- one competency, by any rater: the "reliably improved participants" of the sponsor and finance figures.
select distinct participant_id, cohort_id
from {{ ref('int_participant_outcomes') }}
where is_paired and reliably_improved
