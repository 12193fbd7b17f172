"""Plain functions with no Dagster dependency: config, readers, loading, statistics."""
