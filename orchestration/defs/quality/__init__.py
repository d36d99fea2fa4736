"""Great Expectations validation of the metric marts, as Dagster asset checks."""
