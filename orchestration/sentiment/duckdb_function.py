"""``sentiment_score(text)``: the scorer as a DuckDB function, for the dbt models.

DuckDB hands the function the comments chunk by chunk as it scans them (no table of comments is
built in Python); a null comment gives a null score without calling the scorer.
"""

from __future__ import annotations

import duckdb
from duckdb.sqltypes import DOUBLE, VARCHAR

from .interface import SentimentScorer, load_scorer

FUNCTION_NAME = "sentiment_score"


def register_sentiment_function(conn: duckdb.DuckDBPyConnection, scorer: SentimentScorer | None = None) -> None:
    """Create ``sentiment_score(VARCHAR) -> DOUBLE`` on the connection (once per connection)."""
    scorer = scorer or load_scorer()
    if conn.execute("select count(*) from duckdb_functions() where function_name = ?", [FUNCTION_NAME]).fetchone()[0]:
        return
    conn.create_function(FUNCTION_NAME, scorer.score, [VARCHAR], DOUBLE, side_effects=False)
