-- The balance table of cohort_comparison: for each cohort, outcome and stratum dimension (job_level,
-- department, region) value, the matched participants and the comparison people of the strata used,
-- with their shares. Weighting to the participants' strata makes the comparison's weighted share equal
-- the participants' share; the unweighted share shows how different the raw comparison pool was.
-- A blank value is shown as '(blank)'. suppressed: n_participants < k or n_comparison < k; display_suppressed
-- also hides the smallest shown cell of a dimension in which exactly one cell is suppressed.
with strata as (
    select * from {{ ref('int_comparison_strata') }}
),

windows as (
    select cohort_id, sponsor_id from {{ ref('int_comparison_windows') }}
),

participant_strata as (
    select cohort_id, outcome, job_level, department, region, n_participants as n_p, n_comparison as n_c
    from strata
    where is_matched
),

by_dimension as (
    select cohort_id, outcome, 'job_level' as dimension, job_level as dimension_value, n_p, n_c from participant_strata
    union all
    select cohort_id, outcome, 'department', department, n_p, n_c from participant_strata
    union all
    select cohort_id, outcome, 'region', region, n_p, n_c from participant_strata
),

cells as (
    select cohort_id, outcome, dimension, dimension_value, sum(n_p) as n_participants, sum(n_c) as n_comparison
    from by_dimension
    group by cohort_id, outcome, dimension, dimension_value
),

totals as (
    select cohort_id, outcome, dimension, sum(n_participants) as total_p, sum(n_comparison) as total_c
    from cells
    group by cohort_id, outcome, dimension
),

balance as (
    select
        cells.cohort_id,
        windows.sponsor_id,
        cells.outcome,
        cells.dimension,
        case when cells.dimension_value = '' then '(blank)' else cells.dimension_value end as dimension_value,
        cast(cells.n_participants as integer) as n_participants,
        cast(cells.n_comparison as integer) as n_comparison,
        {{ safe_divide('100.0 * cells.n_participants', 'totals.total_p') }} as pct_participants,
        {{ safe_divide('100.0 * cells.n_comparison', 'totals.total_c') }} as pct_comparison_unweighted,
        {{ safe_divide('100.0 * cells.n_participants', 'totals.total_p') }} as pct_comparison_weighted,
        cells.n_participants < {{ var('min_group_size') }} or cells.n_comparison < {{ var('min_group_size') }} as suppressed
    from cells
    inner join totals
        on totals.cohort_id = cells.cohort_id and totals.outcome = cells.outcome and totals.dimension = cells.dimension
    inner join windows on windows.cohort_id = cells.cohort_id
)

select
    balance.*,
    {{ complementary_suppression('suppressed', 'least(n_participants, n_comparison)',
                                 'cohort_id, outcome, dimension', 'dimension_value') }} as display_suppressed
from balance
order by cohort_id, outcome, dimension, dimension_value
