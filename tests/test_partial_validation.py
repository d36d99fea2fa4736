"""Declarative automation selects the checks of the marts a build updated (a drop does not update
dim_journey_stages, built from seeds alone): the validation runs with some of its checks selected,
validates those marts and reports each selected check, and none other."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import pytest

from orchestration.definitions import build_definitions
from orchestration.defs.quality.checks import SUMMARY_FILE, check_name, mart_key
from orchestration.settings import Settings
from tests.warehouse import Build

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("generated")]

SOME_MARTS = ("dim_customers", "mart_journey_funnel")


def test_the_checks_of_some_marts_run_without_the_others(generated_build: Build, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(generated_build.warehouse, warehouse)
    settings = Settings(landing_dir=generated_build.landing, duckdb_path=warehouse)
    selected = {dg.AssetCheckKey(mart_key(m), check_name(m)) for m in SOME_MARTS}
    job = dg.define_asset_job("validate_some_marts", selection=dg.AssetSelection.checks(*selected))
    defs = dg.Definitions.merge(build_definitions(settings), dg.Definitions(jobs=[job]))

    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("validate_some_marts").execute_in_process(instance=instance)

    assert result.success
    evaluations = result.get_asset_check_evaluations()
    assert {e.asset_check_key for e in evaluations} == selected
    assert all(e.passed for e in evaluations)
    summary = json.loads((settings.data_docs_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
    assert sorted(summary["marts"]) == sorted(SOME_MARTS)
