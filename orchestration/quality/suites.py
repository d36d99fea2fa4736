"""The reviewable validation files in ``expectations/``: suites, consistency queries, drift limits."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path


def expectations_dir() -> Path:
    configured = os.environ.get("JOURNEY_EXPECTATIONS_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "expectations"


def load_suite(mart: str, root: Path | None = None) -> dict:
    """The Great Expectations suite (GX JSON) of a mart."""
    path = (root or expectations_dir()) / f"{mart}.json"
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ConsistencyQuery:
    """A query over the marts whose rows are violations; an empty result passes."""

    mart: str
    name: str
    description: str
    sql: str


def consistency_queries(mart: str, root: Path | None = None) -> list[ConsistencyQuery]:
    folder = (root or expectations_dir()) / "consistency"
    queries = []
    for path in sorted(folder.glob(f"{mart}__*.sql")):
        sql = path.read_text(encoding="utf-8")
        first = sql.splitlines()[0] if sql else ""
        description = first.removeprefix("--").strip() if first.startswith("--") else path.stem
        queries.append(ConsistencyQuery(mart, path.stem.split("__", 1)[1], description, sql))
    return queries


@dataclass(frozen=True)
class DriftLimits:
    """How far a publication may move from the last good one: (warning, error) per measure, and
    the fewest responses a month needs, in both publications, for its NPS or CSAT to be compared,
    and the fewest rows a mart's last publication needs for a drop in its row count to be checked."""

    nps_points: tuple[float, float]
    csat_points: tuple[float, float]
    row_drop: tuple[float, float]
    min_responses: int = 30
    min_rows: int = 100


def drift_limits(root: Path | None = None, environ: dict[str, str] | None = None) -> DriftLimits:
    env = os.environ if environ is None else environ
    config = json.loads(((root or expectations_dir()) / "drift.json").read_text(encoding="utf-8"))

    def pair(key: str, env_key: str) -> tuple[float, float]:
        warning = float(env.get(f"JOURNEY_DRIFT_{env_key}_WARNING") or config[key]["warning"])
        error = float(env.get(f"JOURNEY_DRIFT_{env_key}_ERROR") or config[key]["error"])
        return warning, error

    return DriftLimits(
        nps_points=pair("nps_points", "NPS_POINTS"),
        csat_points=pair("csat_points", "CSAT_POINTS"),
        row_drop=pair("row_drop", "ROW_DROP"),
        min_responses=int(env.get("JOURNEY_DRIFT_MIN_RESPONSES") or config["min_responses"]),
        min_rows=int(env.get("JOURNEY_DRIFT_MIN_ROWS") or config.get("min_rows", 100)),
    )
