"""coachlens: Dagster code location and command line."""
