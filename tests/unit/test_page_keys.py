"""The input key of a page kind (pipelines/defs/serve/pages.py): equal when only the run's time and evidence
fingerprint differ (the page can be copied), different when anything it shows differs."""
from __future__ import annotations

import dataclasses

from dashboards.data import RunInfo
from pipelines.defs.serve.pages import page_keys, run_facts

MANIFEST = {
    "nodes": {"model.coachlens.sponsor_summary": {"name": "sponsor_summary"},
              "model.coachlens.cohort_costs": {"name": "cohort_costs"}},
    "exposures": {
        "exposure.coachlens.sponsor_pages": {"name": "sponsor_pages",
                                             "depends_on": {"nodes": ["model.coachlens.sponsor_summary"]}},
        "exposure.coachlens.finance_page": {"name": "finance_page",
                                            "depends_on": {"nodes": ["model.coachlens.cohort_costs"]}}},
}
RUN = RunInfo(as_of="2026-06-30", refreshed_at="2026-07-01 02:00 UTC", settings={"min_group_size": 5},
              files_failed=0, rows_rejected=0, rows_read=100, stale_sources=[], status="ok", sponsor_status="ok",
              employees_supplied=True, evidence_fingerprint="aaaaaaaaaaaaaaaa", people_erased=0, last_erased_at="")
HASHES = {"sponsor_summary": "s1", "cohort_costs": "c1"}


def keys(run=RUN, hashes=HASHES):
    return page_keys(MANIFEST, hashes, run_facts(run), "code-1")


def test_a_later_run_of_the_same_figures_has_the_same_keys():
    later = dataclasses.replace(RUN, refreshed_at="2026-07-02 02:00 UTC", evidence_fingerprint="bbbbbbbbbbbbbbbb")
    assert keys(later) == keys()


def test_what_a_page_shows_changes_its_key():
    assert keys(dataclasses.replace(RUN, rows_read=101)) != keys()
    changed = keys(hashes={**HASHES, "cohort_costs": "c2"})
    assert changed["finance_page"] != keys()["finance_page"]
    assert changed["sponsor_pages"] == keys()["sponsor_pages"]  # the sponsor pages do not read cohort_costs
