"""Ingestion of the three landing-zone sources into the ``raw`` schema."""
