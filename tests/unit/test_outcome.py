"""The stale sources of a refresh are the rows marts.data_quality marks not fresh (freshness is decided there)."""
import duckdb

from pipelines.lib.outcome import published_stale_sources, stale_sources


def _warehouse(path):
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    con.execute("""CREATE TABLE marts.data_quality (source VARCHAR, last_loaded_at TIMESTAMP, max_age_hours DOUBLE,
                                                    is_fresh BOOLEAN)""")
    # is_fresh is written by hand, contradicting what the ages alone would say: the mart's verdict is what counts
    con.execute("""INSERT INTO marts.data_quality VALUES
        ('costs', '2024-06-01 08:00:00', 744, true),
        ('sessions', '2024-06-29 10:30:00', 0.5, false),
        ('goals', NULL, 36, false),
        ('survey_responses', '2020-01-01 00:00:00', 1, true)""")
    return con


def test_stale_sources_are_the_rows_the_mart_finds_not_fresh(tmp_path):
    con = _warehouse(tmp_path / "w.duckdb")
    assert stale_sources(con) == [
        "goals: no file loaded; the maximum age is 36 h",
        "sessions: newest file first loaded 2024-06-29 10:30:00, more than the maximum age of 0.5 h before the "
        "refresh started"]
    con.close()
    assert published_stale_sources(tmp_path / "w.duckdb") == [
        "goals: no file loaded; the maximum age is 36 h",
        "sessions: newest file first loaded 2024-06-29 10:30:00, more than the maximum age of 0.5 h before the "
        "refresh started"]


def test_a_warehouse_without_the_mart_has_no_stale_sources(tmp_path):
    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    assert published_stale_sources(tmp_path / "empty.duckdb") == []


def test_a_run_whose_last_steps_were_skipped_is_a_failure():
    """Dagster calls a run a success when a step is skipped because an asset it reads was not produced; for a
    refresh that means nothing was published, so the outcome says failed and names the step."""
    import dagster as dg

    from pipelines.lib.outcome import read_outcome

    @dg.asset(output_required=False)
    def marts_view():
        return
        yield  # a generator that produces nothing

    @dg.asset(deps=[marts_view])
    def pages():
        return 1

    result = dg.materialize([marts_view, pages], raise_on_error=False)
    assert result.success  # Dagster's verdict
    outcome = read_outcome(result.run_id, result.all_events, success=result.success)
    assert not outcome.success and outcome.status == "failed"
    assert outcome.problems == ["step pages did not run: an asset it reads was not produced (a bug: report it)"]


def test_a_run_whose_every_step_ran_succeeds():
    import dagster as dg

    from pipelines.lib.outcome import read_outcome

    @dg.asset
    def one():
        return 1

    result = dg.materialize([one])
    assert read_outcome(result.run_id, result.all_events, success=result.success).success
