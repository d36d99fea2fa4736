"""Small hand-written landing zones give, through a real `journey run`, the numbers the contract defines."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.ingestion import connect
from tests.reference.cases import CASES, check_case
from tests.test_marts_reference import MARTS, _mart_rows, assert_marts_match_reference
from tests.warehouse import journey_run as _run

pytestmark = pytest.mark.e2e


def _marts(warehouse: Path) -> dict[str, list[dict]]:
    return {mart: _mart_rows(warehouse, mart)[1] for mart in MARTS}


def _as_of(warehouse: Path):
    conn = connect(warehouse, read_only=True)
    try:
        return conn.execute("SELECT as_of FROM intermediate.int_drops_summarised").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_gives_hand_computed_figures(case: str, tmp_path: Path) -> None:
    write, expected = CASES[case]
    landing = tmp_path / "landing"
    write(landing)
    warehouse = tmp_path / "warehouse.duckdb"
    failing_drops = expected.get("failed_drops", [])
    stderr = _run(landing, warehouse, tmp_path / "dagster", expect_success=not failing_drops)
    assert_case_figures(landing, warehouse, expected, stderr)


def assert_case_figures(landing: Path, warehouse: Path, expected: dict, stderr: str) -> None:
    """The run of a hand-made case (``landing``, ``expected`` of CASES) into ``warehouse`` named each
    drop whose columns break the contract (the run failed; the good drops were loaded and the
    models built on them), and its marts hold the hand-computed figures and the reference's."""
    for file in expected.get("failed_drops", []):
        assert file in stderr
    problems = check_case(_marts(warehouse), expected, as_of=_as_of(warehouse))
    assert not problems, "\n".join(problems)
    assert_marts_match_reference(landing, warehouse)
