"""Resources shared by every system: the warehouse file and the landing zone."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.defs.recovery import tag_run_with_process
from orchestration.engines import DEFAULT_ENGINE
from orchestration.ingestion.warehouse import connect, is_lock_error

# DuckDB allows one writing process per file: every step that writes the warehouse is in this pool,
# of limit 1 with run granularity in the instance configuration, so the run queue starts one run
# that writes the warehouse at a time and the others wait, queued, instead of failing.
WAREHOUSE_POOL = "duckdb_warehouse"

MAX_LOCK_RETRIES = 3


@contextmanager
def retry_on_lock(context: dg.OpExecutionContext | dg.AssetExecutionContext | dg.AssetCheckExecutionContext):
    """Turn a DuckDB lock error met by the step (after ``connect``'s own waiting, or in dbt)
    into a retry of the step with exponential backoff (10, 20, 40 s); other errors fail as usual."""
    try:
        yield
    except Exception as error:
        if is_lock_error(error) or "could not set lock" in str(error).lower():
            wait = 10 * 2**context.retry_number
            raise dg.RetryRequested(max_retries=MAX_LOCK_RETRIES, seconds_to_wait=wait) from error
        raise


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file the pipeline writes (``JOURNEY_DUCKDB_PATH``).

    A run that uses it is tagged with the process executing it, so that a run whose process died
    is found and closed (orchestration.defs.recovery)."""

    path: str
    engine: str = DEFAULT_ENGINE
    """Where dbt builds the models (orchestration.engines); ingestion writes the file whatever it is."""

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if context.instance is not None and context.run is not None:
            tag_run_with_process(context.instance, context.run)

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A write connection, waiting (with backoff) while another process holds the file."""
        return connect(Path(self.path), on_wait=dg.get_dagster_logger().warning)


class LandingZone(dg.ConfigurableResource):
    """Root folder of the raw exports (``JOURNEY_LANDING_DIR``)."""

    path: str

    @property
    def root(self) -> Path:
        return Path(self.path)
