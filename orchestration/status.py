"""What an operator needs to know about a deployment: what is loaded, built, validated and published,
and, when the publication is blocked, since when, by which check and values, and how to release it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration.dashboard import DASHBOARD_DIR
from orchestration.defs.quality.checks import DRIFT_CHECK, KPI_MART, SUMMARY_FILE, check_name, mart_key
from orchestration.marts import MARTS
from orchestration.publication import read_publication
from orchestration.settings import Settings

ACCEPT_COMMAND = "journey accept-drift"


@dataclass(frozen=True)
class Verdict:
    """The outcome of a run for the publication: one line, and what to do when it is blocked."""

    line: str
    details: list[str] = field(default_factory=list)
    blocked: bool = False
    published: bool = False


def read_validation(settings: Settings) -> dict[str, Any] | None:
    """The summary of the latest validation (``validation_summary.json`` of the Data Docs folder)."""
    path = settings.data_docs_dir / SUMMARY_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _errors(validation: dict[str, Any]) -> dict[str, list[str]]:
    return {name: mart["errors"] for name, mart in validation.get("marts", {}).items() if mart.get("errors")}


def _published_line(publication: dict[str, Any] | None, settings: Settings) -> str:
    if publication is None:
        return "nothing is published yet"
    return (
        f"the publication of run {publication['run_id']} ({publication['published_at']}, as_of "
        f"{publication['as_of']}) is in {settings.publish_dir}"
    )


def dashboard_index(settings: Settings) -> Path:
    """The journey dashboard's first page (``dashboard/index.html`` in the publication folder)."""
    return settings.publish_dir / DASHBOARD_DIR / "index.html"


def _dashboard_part(settings: Settings) -> str:
    index = dashboard_index(settings)
    return f"; dashboard at {index}" if index.exists() else ""


def _purge_line(publication: dict[str, Any] | None, run_id: str) -> str | None:
    for purge in (publication or {}).get("purges", []):
        if purge.get("by_run") == run_id:
            rows = sum(purge.get("rows_removed", {}).values())
            return f"removed {rows} rows of contacts deleted since from that publication"
    return None


def how_to_release(errors: dict[str, list[str]], settings: Settings) -> str:
    """The one command or setting that releases a blocked publication."""
    if set(errors) == {"drift"}:
        return (
            f"review the moves above, then publish these marts with `{ACCEPT_COMMAND}` "
            "(or raise the limits in expectations/drift.json / JOURNEY_DRIFT_*)"
        )
    docs = settings.data_docs_dir / "index.html"
    return f"fix the data or the models, then run again; details in the Data Docs at {docs}"


def publication_verdict(settings: Settings, run_id: str) -> Verdict:
    """What the run ``run_id`` did to the publication."""
    publication = read_publication(settings.publish_dir)
    if publication and publication.get("run_id") == run_id:
        count = len(publication.get("row_counts", {}))
        where = f"to {settings.publish_dir}{_dashboard_part(settings)}"
        return Verdict(f"published {count} marts (as_of {publication['as_of']}) {where}", published=True)
    validation = read_validation(settings)
    if validation is None or validation.get("run_id") != run_id:
        return Verdict(f"nothing published: {_published_line(publication, settings)}")
    errors = _errors(validation)
    if not errors:
        return Verdict(f"validated but not published: {_published_line(publication, settings)}")
    details = [f"blocked by {name}: {message}" for name, messages in errors.items() for message in messages]
    purge = _purge_line(publication, run_id)
    if purge:
        details.append(purge)
    details.append(how_to_release(errors, settings))
    return Verdict(f"publication blocked; {_published_line(publication, settings)}", details, blocked=True)


def blocked_since(instance: dg.DagsterInstance, published_at: float | None) -> datetime | None:
    """When the first blocking check that failed after the last publication failed, or None."""
    keys = [dg.AssetCheckKey(mart_key(m), check_name(m)) for m in MARTS]
    keys.append(dg.AssetCheckKey(mart_key(KPI_MART), DRIFT_CHECK))
    first: float | None = None
    for key in keys:
        for record in instance.event_log_storage.get_asset_check_execution_history(key, limit=200):
            if published_at is not None and record.create_timestamp <= published_at:
                break
            evaluation = record.event.dagster_event.event_specific_data if record.event else None
            failed = isinstance(evaluation, dg.AssetCheckEvaluation) and not evaluation.passed
            if failed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
                first = record.create_timestamp if first is None else min(first, record.create_timestamp)
    return datetime.fromtimestamp(first, UTC) if first is not None else None


def _timestamp(iso: str | None) -> float | None:
    try:
        return datetime.fromisoformat(iso).timestamp() if iso else None
    except ValueError:
        return None


def status_lines(settings: Settings, instance: dg.DagsterInstance | None) -> tuple[list[str], bool]:
    """The status of a deployment as lines for people, and whether its publication is blocked."""
    lines = []
    publication = read_publication(settings.publish_dir)
    if publication is None:
        lines.append(f"publication: none yet in {settings.publish_dir}")
    else:
        lines.append(
            f"publication: run {publication['run_id']}, published {publication['published_at']}, as_of "
            f"{publication['as_of']}, {len(publication.get('row_counts', {}))} marts in {settings.publish_dir}"
        )
        if dashboard_index(settings).exists():
            lines.append(f"dashboard: {dashboard_index(settings)} (open it in a browser)")
        for purge in publication.get("purges", []):
            rows = sum(purge.get("rows_removed", {}).values())
            lines.append(f"  {rows} rows of deleted contacts removed from it at {purge['at']} (run {purge['by_run']})")
    validation = read_validation(settings)
    if validation is None:
        lines.append("validation: none yet")
        return lines, False
    errors = _errors(validation)
    when = validation.get("validated_at", "?")
    if not errors:
        warnings = sum(len(m.get("warnings", [])) for m in validation.get("marts", {}).values())
        lines.append(f"validation: passed at {when} (run {validation['run_id']}, {warnings} warnings)")
        return lines, False
    since = None
    if instance is not None:
        since = blocked_since(instance, _timestamp((publication or {}).get("published_at")))
    since_text = f"{since:%Y-%m-%d %H:%M:%S} UTC" if since else when
    lines.append(f"validation: FAILED at {when} (run {validation['run_id']}); publication blocked since {since_text}")
    lines += [f"  {name}: {message}" for name, messages in errors.items() for message in messages]
    lines.append(f"  to release it: {how_to_release(errors, settings)}")
    return lines, True
