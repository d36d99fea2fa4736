"""The interface every sentiment scorer follows, and how the pipeline finds the one to use."""

from __future__ import annotations

import importlib
import os
from typing import Protocol

POSITIVE_FROM = 0.05
NEGATIVE_TO = -0.05
SCORER_VARIABLE = "JOURNEY_SENTIMENT_SCORER"
DEFAULT_SCORER = "orchestration.sentiment.lexicon:PatternLexiconScorer"


class SentimentScorer(Protocol):
    """Scores one comment. Must be deterministic and need no network at run time."""

    name: str
    """Names the method (and its version) in the docs and run metadata."""

    def score(self, text: str | None) -> float | None:
        """The comment's sentiment in -1..1; None when there is no text."""
        ...


def label_of(score: float | None) -> str | None:
    """positive (>= 0.05), negative (<= -0.05) or neutral; None without a score.

    The same thresholds as the dbt macro ``sentiment_label`` (the marts' definition); this one
    serves the measurement of agreement with hand labels.
    """
    if score is None:
        return None
    if score >= POSITIVE_FROM:
        return "positive"
    if score <= NEGATIVE_TO:
        return "negative"
    return "neutral"


def load_scorer(spec: str | None = None) -> SentimentScorer:
    """The scorer named by ``spec`` or ``JOURNEY_SENTIMENT_SCORER`` (``module:factory``), else the default."""
    spec = spec or os.environ.get(SCORER_VARIABLE) or DEFAULT_SCORER
    module_name, _, factory_name = spec.partition(":")
    if not module_name or not factory_name:
        raise ValueError(f"{SCORER_VARIABLE}={spec!r}: expected 'package.module:factory'")
    factory = getattr(importlib.import_module(module_name), factory_name)
    return factory()
