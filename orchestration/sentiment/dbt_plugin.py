"""dbt-duckdb plugin (``profiles.yml``, ``plugins``): every dbt connection gets ``sentiment_score``."""

from __future__ import annotations

from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from .duckdb_function import register_sentiment_function


class Plugin(BasePlugin):
    def configure_connection(self, conn: Any) -> None:
        register_sentiment_function(conn)
