-- The cohorts a sponsor page reports: those not suppressed (enrolled >= min_group_size, the
-- `suppressed` flag of cohort_engagement). Every sponsor-level total counts only these cohorts, so no
-- total minus the visible cohorts, on one page or across the pages of two refreshes, recovers a
-- suppressed cohort's figure (docs/privacy.md).
select cohort_id, sponsor_id
from {{ ref('cohort_engagement') }}
where not suppressed
