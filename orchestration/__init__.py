"""Customer-journey warehouse: Dagster code location, ingestion and the `journey` command."""
