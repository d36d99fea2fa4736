"""Sentiment of free-text survey comments: one small interface and its default scorer.

A scorer turns a comment into a score in -1..1 (or None when it finds nothing to judge),
offline and deterministically. The pipeline reaches it through the DuckDB function
``sentiment_score(text)`` (see ``duckdb_function``); ``JOURNEY_SENTIMENT_SCORER`` names another
scorer (``package.module:factory``) to swap it.
"""

from .interface import SentimentScorer, label_of, load_scorer
from .lexicon import PatternLexiconScorer

__all__ = ["PatternLexiconScorer", "SentimentScorer", "label_of", "load_scorer"]
