"""Which dbt nodes an incremental refresh rebuilds, from the manifest's lineage.

A model is rebuilt when it reads, directly or through other models, a source whose rows may have changed: a
source loaded again in this refresh, and always the run's own tables (`refresh_run`, which holds the refresh
time freshness is measured against, the file manifest and the quarantine). Every other model, seed and
snapshot is reused from the published warehouse the refresh started from (it was built there from the same
rows, by the same project, with the same vars).
"""
from __future__ import annotations

from typing import Iterable

ALWAYS_CHANGED = ("refresh_run", "file_manifest", "rejected_rows")
BUILT = ("model", "seed", "snapshot")


def _source_ids(manifest: dict, tables: Iterable[str]) -> list[str]:
    wanted = set(tables)
    return [uid for uid, node in manifest["sources"].items() if node["name"] in wanted]


def downstream(manifest: dict, roots: Iterable[str]) -> set[str]:
    """Every node that reads one of `roots`, directly or not (the roots excluded)."""
    children = manifest["child_map"]
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def rebuilt_nodes(manifest: dict, changed_sources: Iterable[str]) -> set[str]:
    """unique_ids of the models (and seeds, snapshots) downstream of the changed sources."""
    roots = _source_ids(manifest, [*changed_sources, *ALWAYS_CHANGED])
    return {uid for uid in downstream(manifest, roots) if manifest["nodes"].get(uid, {}).get("resource_type") in BUILT}


def reused_nodes(manifest: dict, rebuilt: set[str]) -> list[str]:
    """unique_ids of the built nodes that are not rebuilt, parents before children (Dagster wants a
    multi-asset's outputs in that order; no reused node reads a rebuilt one, so they can all go first)."""
    reused = {uid for uid, node in manifest["nodes"].items() if node["resource_type"] in BUILT and uid not in rebuilt}
    return in_dependency_order(manifest, reused)


def in_dependency_order(manifest: dict, uids: Iterable[str]) -> list[str]:
    """`uids`, each after those of its parents (direct or not) that are among them."""
    wanted = set(uids)
    parents = manifest["parent_map"]
    ordered: list[str] = []
    seen: set[str] = set()

    def visit(uid: str) -> None:
        if uid in seen:
            return
        seen.add(uid)
        for parent in sorted(parents.get(uid, [])):
            visit(parent)
        if uid in wanted:
            ordered.append(uid)

    for uid in sorted(wanted):
        visit(uid)
    return ordered


SOURCE_TESTS = "source:*"
"""The tests dbt generates on the sources from data_contracts/*.yml are not run by a refresh: the loader applies
every contract rule to every row before dbt starts, and the Great Expectations suite checks the loaded rows
again (a blocking check). They run in the test suite (tests/integration/test_refresh_e2e.py) and by hand
(`dbt test --select source:*`)."""


def exclude_args(manifest: dict, reused: list[str]) -> list[str]:
    """`--exclude "source:* fqn:... fqn:..."`: the source tests, and the reused nodes (dagster-dbt selects the
    whole project; this takes them out). One space-separated value: dagster-dbt passes on one value per flag."""
    return ["--exclude", " ".join([SOURCE_TESTS, *("fqn:" + ".".join(manifest["nodes"][uid]["fqn"]) for uid in reused)])]
