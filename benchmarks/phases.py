"""The pipeline's phases one at a time, each run in its own process by the harness.

``python -m benchmarks.phases {ingest,dbt,validate,publish}`` reads the landing zone and the
warehouse from the usual environment (``JOURNEY_LANDING_DIR``, ``JOURNEY_DUCKDB_PATH``,
``DAGSTER_HOME``) and runs, through Dagster and on the project's own definitions, what
``journey run`` runs in that phase:

- ``ingest``: the ``ingest`` job over every pending drop (one run per range of consecutive
  drops, as ``journey run`` does);
- ``dbt``: the dbt assets with their dbt tests (the ``build`` job without the Great
  Expectations checks and the publication);
- ``validate``: the Great Expectations asset checks of the marts (they write the validation
  summary the publication reads);
- ``publish``: the publication asset.

The last three are the ``build`` job cut in three: jobs of the same assets and checks with
narrower selections, added to the project's definitions. A phase exits non-zero when its run
fails.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import dagster as dg

from orchestration.definitions import build_definitions
from orchestration.defs.dbt.assets import DBT_ASSETS_NAME
from orchestration.defs.jobs import PUBLICATION_GROUP, ingestion_selection
from orchestration.defs.quality.checks import gx_validate_marts
from orchestration.ingestion.landing import all_drop_dates
from orchestration.instance_storage import quick_commits
from orchestration.run import build_run_config, dagster_instance, ingest_drops, pending_drops
from orchestration.settings import Settings

PHASES = ("ingest", "dbt", "validate", "publish")
_DBT_JOB = "benchmark_dbt"
_VALIDATE_JOB = "benchmark_validate"
_PUBLISH_JOB = "benchmark_publish"


def _loggers_config() -> dict:
    return {"loggers": build_run_config()["loggers"]}


def phase_jobs(defs: dg.Definitions) -> list[dg.UnresolvedAssetJobDefinition]:
    """The ``build`` job's selection cut into dbt, validation and publication."""
    standalone_checks = dg.AssetSelection.checks(*defs.asset_checks) if defs.asset_checks else None
    downstream = dg.AssetSelection.all() - ingestion_selection() - dg.AssetSelection.groups(PUBLICATION_GROUP)
    dbt = downstream - standalone_checks if standalone_checks is not None else downstream
    return [
        dg.define_asset_job(_DBT_JOB, selection=dbt),
        dg.define_asset_job(_VALIDATE_JOB, selection=dg.AssetSelection.checks(gx_validate_marts)),
        dg.define_asset_job(_PUBLISH_JOB, selection=dg.AssetSelection.groups(PUBLICATION_GROUP).without_checks()),
    ]


def _failed(results: Sequence[dg.ExecuteInProcessResult]) -> bool:
    failed = False
    for result in results:
        for event in result.all_events:
            if event.is_step_failure:
                failed = True
                print(f"step {event.step_key} failed: {event.step_failure_data.error}", file=sys.stderr)
        failed = failed or not result.success
    return failed


def run_phase(phase: str, settings: Settings) -> int:
    project = build_definitions(settings)
    defs = dg.Definitions.merge(project, dg.Definitions(jobs=phase_jobs(project)))
    instance = dagster_instance(settings)
    # the instance is written as `journey run` writes it
    with quick_commits(os.environ["DAGSTER_HOME"]):
        return _run_phase(phase, defs, instance, settings)


def _run_phase(phase: str, defs: dg.Definitions, instance: dg.DagsterInstance, settings: Settings) -> int:
    results = []
    if phase == "ingest":
        if not all_drop_dates(settings.landing_dir):
            print(f"no drop in {settings.landing_dir}", file=sys.stderr)
            return 2
        results += ingest_drops(defs, instance, pending_drops(settings))
    else:
        job, run_config = {
            "dbt": (_DBT_JOB, {**_loggers_config(), "ops": {DBT_ASSETS_NAME: {"config": {"full_refresh": False}}}}),
            "validate": (_VALIDATE_JOB, _loggers_config()),
            "publish": (_PUBLISH_JOB, _loggers_config()),
        }[phase]
        job_def = defs.resolve_job_def(job)
        print(f"{phase}: job {job} runs {len(job_def.nodes_in_topological_order)} step(s)", file=sys.stderr)
        results.append(job_def.execute_in_process(instance=instance, run_config=run_config, raise_on_error=False))
    return 1 if _failed(results) else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.phases", description=__doc__.splitlines()[0])
    parser.add_argument("phase", choices=PHASES)
    args = parser.parse_args(argv)
    return run_phase(args.phase, Settings.from_env())


if __name__ == "__main__":
    sys.exit(main())
