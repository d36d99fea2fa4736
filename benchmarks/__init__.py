"""Benchmarks of the pipeline against the bare-DuckDB limit: ``python -m benchmarks``."""
