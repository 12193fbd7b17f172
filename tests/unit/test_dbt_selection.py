"""Which dbt nodes an incremental refresh rebuilds (pipelines/defs/transform/selection.py), on a small lineage."""
from pipelines.defs.transform.selection import exclude_args, in_dependency_order, rebuilt_nodes, reused_nodes


def node(name: str, kind: str = "model", folder: str = "marts") -> dict:
    return {"name": name, "resource_type": kind, "fqn": ["coachlens", folder, name]}


# sources costs, sessions, refresh_run; stg_costs -> cohort_costs; stg_sessions -> engagement;
# cohort_costs + engagement -> summary; refresh_run -> data_quality; a seed read by engagement; a test on costs
MANIFEST = {
    "sources": {f"source.coachlens.landing.{s}": {"name": s} for s in ("costs", "sessions", "refresh_run")},
    "nodes": {
        "model.coachlens.stg_costs": node("stg_costs", folder="staging"),
        "model.coachlens.stg_sessions": node("stg_sessions", folder="staging"),
        "model.coachlens.cohort_costs": node("cohort_costs"),
        "model.coachlens.engagement": node("engagement"),
        "model.coachlens.summary": node("summary"),
        "model.coachlens.data_quality": node("data_quality"),
        "seed.coachlens.quantiles": node("quantiles", "seed", "seeds"),
        "test.coachlens.not_null_cohort_costs": node("not_null_cohort_costs", "test"),
    },
    "child_map": {
        "source.coachlens.landing.costs": ["model.coachlens.stg_costs"],
        "source.coachlens.landing.sessions": ["model.coachlens.stg_sessions"],
        "source.coachlens.landing.refresh_run": ["model.coachlens.data_quality"],
        "model.coachlens.stg_costs": ["model.coachlens.cohort_costs"],
        "model.coachlens.stg_sessions": ["model.coachlens.engagement"],
        "seed.coachlens.quantiles": ["model.coachlens.engagement"],
        "model.coachlens.cohort_costs": ["model.coachlens.summary", "test.coachlens.not_null_cohort_costs"],
        "model.coachlens.engagement": ["model.coachlens.summary"],
    },
}
MANIFEST["parent_map"] = {}
for parent, children in MANIFEST["child_map"].items():
    for child in children:
        MANIFEST["parent_map"].setdefault(child, []).append(parent)


def test_a_cost_change_rebuilds_the_cost_models_their_readers_and_the_run_models():
    rebuilt = rebuilt_nodes(MANIFEST, {"costs"})
    assert rebuilt == {"model.coachlens.stg_costs", "model.coachlens.cohort_costs", "model.coachlens.summary",
                       "model.coachlens.data_quality"}  # tests are picked up by dbt's indirect selection


def test_reused_nodes_come_parents_first_and_are_excluded_by_fqn():
    reused = reused_nodes(MANIFEST, rebuilt_nodes(MANIFEST, {"costs"}))
    assert set(reused) == {"model.coachlens.stg_sessions", "seed.coachlens.quantiles", "model.coachlens.engagement"}
    assert reused.index("model.coachlens.engagement") > reused.index("model.coachlens.stg_sessions")
    assert reused.index("model.coachlens.engagement") > reused.index("seed.coachlens.quantiles")
    assert exclude_args(MANIFEST, reused) == [
        "--exclude", "source:* fqn:coachlens.staging.stg_sessions fqn:coachlens.seeds.quantiles "
                     "fqn:coachlens.marts.engagement"]


def test_nothing_changed_still_rebuilds_the_models_of_the_run_tables():
    assert rebuilt_nodes(MANIFEST, set()) == {"model.coachlens.data_quality"}
    assert exclude_args(MANIFEST, []) == ["--exclude", "source:*"]  # the source tests only


def test_models_are_put_after_their_parents_even_through_a_node_left_out():
    # summary reads cohort_costs, which reads stg_costs; cohort_costs is not asked for
    order = in_dependency_order(MANIFEST, ["model.coachlens.summary", "model.coachlens.stg_costs",
                                           "model.coachlens.engagement", "seed.coachlens.quantiles"])
    assert sorted(order) == sorted(["model.coachlens.summary", "model.coachlens.stg_costs",
                                    "model.coachlens.engagement", "seed.coachlens.quantiles"])
    assert order.index("model.coachlens.stg_costs") < order.index("model.coachlens.summary")
    assert order.index("seed.coachlens.quantiles") < order.index("model.coachlens.engagement")
