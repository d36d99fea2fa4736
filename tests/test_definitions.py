"""The Dagster code location loads, and its ingestion assets materialise for real."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest

from orchestration.definitions import build_definitions
from orchestration.defs.ingestion.assets import build_ingestion_assets
from orchestration.defs.ingestion.partitions import drop_partitions
from orchestration.ingestion import connect
from orchestration.settings import Settings
from tests.conftest import CONTACTS_HEADER, WriteFile

RAW_KEYS = {
    ("raw", "crm_contacts"),
    ("raw", "crm_deals"),
    ("raw", "crm_orders"),
    ("raw", "crm_subscriptions"),
    ("raw", "crm_nps_responses"),
    ("raw", "web_events"),
    ("raw", "contact_centre_contacts"),
    ("raw", "contact_centre_csat_surveys"),
}


def _settings(landing: Path, warehouse: Path) -> Settings:
    return Settings(landing_dir=landing, duckdb_path=warehouse)


def test_code_location_loads_from_environment(
    monkeypatch: pytest.MonkeyPatch, landing: Path, write_file: WriteFile, warehouse: Path
) -> None:
    write_file("web/2026-02-03/events-1.ndjson", "")
    monkeypatch.setenv("JOURNEY_LANDING_DIR", str(landing))
    monkeypatch.setenv("JOURNEY_DUCKDB_PATH", str(warehouse))
    from orchestration.definitions import defs

    loaded = defs()
    repo = loaded.get_repository_def()
    keys = {tuple(k.path) for k in repo.asset_graph.get_all_asset_keys()}
    assert keys >= RAW_KEYS
    groups = {tuple(k.path): repo.asset_graph.get(k).group_name for k in repo.asset_graph.get_all_asset_keys()}
    assert groups[("raw", "crm_deals")] == "crm"
    assert groups[("raw", "web_events")] == "web"
    assert groups[("raw", "contact_centre_csat_surveys")] == "contact_centre"
    stg_contacts = repo.asset_graph.get(dg.AssetKey(["staging", "stg_crm__contacts"]))
    assert dg.AssetKey(["raw", "crm_contacts"]) in stg_contacts.parent_keys
    assert repo.asset_graph.get(dg.AssetKey(["marts", "fct_customer_journey"])).group_name == "marts"
    partitions = loaded.resolve_job_def("ingest").partitions_def
    assert partitions.get_first_partition_key() == "2026-02-03"


def _materialize(settings: Settings, partition: str, raise_on_error: bool = True) -> dg.ExecuteInProcessResult:
    """Materialise the ingestion assets of one drop."""
    defs = build_definitions(settings)
    return dg.materialize(
        build_ingestion_assets(drop_partitions(settings)),
        resources=defs.resources,
        partition_key=partition,
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=raise_on_error,
    )


def test_partition_materialises_with_lineage_metadata(landing: Path, write_file: WriteFile, warehouse: Path) -> None:
    row = "C1,a@x.com,,A,B,FR,lead,direct,2026-01-01T10:00:00Z,2026-01-01T10:00:00Z,false"
    write_file("crm/2026-01-01/contacts.csv", f"{CONTACTS_HEADER}\n{row}\nC2,bad\n")
    write_file("crm/2026-01-02/contacts.csv", f"{CONTACTS_HEADER}\n{row.replace('C1', 'C3')}\n")
    event = json.dumps({"messageId": "m1", "type": "page", "anonymousId": "a", "timestamp": "2026-01-02T10:00:00Z"})
    write_file("web/2026-01-02/events-1.ndjson", event + "\n")
    settings = _settings(landing, warehouse)

    result = _materialize(settings, "2026-01-01")
    assert result.success
    materialized = {tuple(m.asset_key.path): m.metadata for m in result.asset_materializations_for_node("ingest_crm")}
    contacts = materialized[("raw", "crm_contacts")]
    assert contacts["records_read"].value == 2
    assert contacts["records_loaded"].value == 1
    assert contacts["records_quarantined"].value == 1
    assert "crm/2026-01-01/contacts.csv" in contacts["file_reconciliation"].value

    again = _materialize(settings, "2026-01-01")
    assert again.success
    _materialize(settings, "2026-01-02")
    conn = connect(warehouse, read_only=True)
    try:
        assert conn.execute("SELECT contact_id FROM raw.crm_contacts ORDER BY 1").fetchall() == [("C1",), ("C3",)]
        assert conn.execute("SELECT count(*) FROM raw.quarantine").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM raw.web_events").fetchone() == (1,)
    finally:
        conn.close()


def test_schema_mismatch_fails_the_step_with_file_and_column(
    landing: Path, write_file: WriteFile, warehouse: Path
) -> None:
    write_file("crm/2026-01-01/contacts.csv", CONTACTS_HEADER.replace("created_at", "createdate") + "\n")
    result = _materialize(_settings(landing, warehouse), "2026-01-01", raise_on_error=False)
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    message = failure.step_failure_data.error.message
    assert "crm/2026-01-01/contacts.csv" in message and "'created_at'" in message


def test_each_drop_loaded_is_a_materialisation_whose_data_version_is_its_signature(
    landing: Path, write_file: WriteFile, warehouse: Path, tmp_path: Path
) -> None:
    """One run over a range of three days, two of them with a CRM drop: each drop is one
    materialisation of its partition, versioned by the signature raw.loaded_drops holds for it;
    the day without a drop is not materialised. A re-delivered drop gets a new version."""
    row = "C1,a@x.com,,A,B,FR,lead,direct,2026-01-01T10:00:00Z,2026-01-01T10:00:00Z,false"
    write_file("crm/2026-01-01/contacts.csv", f"{CONTACTS_HEADER}\n{row}\n")
    write_file("crm/2026-01-03/contacts.csv", f"{CONTACTS_HEADER}\n{row.replace('C1', 'C3')}\n")
    settings = _settings(landing, warehouse)
    defs = build_definitions(settings)
    job = defs.resolve_job_def("ingest")
    contacts = dg.AssetKey(["raw", "crm_contacts"])
    tags = {"dagster/asset_partition_range_start": "2026-01-01", "dagster/asset_partition_range_end": "2026-01-03"}

    def versions(instance: dg.DagsterInstance) -> dict[str, str]:
        records = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=contacts), limit=100).records
        latest: dict[str, str] = {}
        for record in sorted(records, key=lambda r: r.storage_id):
            latest[record.partition_key] = record.asset_materialization.tags["dagster/data_version"]
        return latest

    def recorded() -> dict[str, str]:
        conn = connect(warehouse, read_only=True)
        try:
            rows = conn.execute("SELECT drop_date, signature FROM raw.loaded_drops WHERE source = 'crm'").fetchall()
        finally:
            conn.close()
        return {drop.isoformat(): signature for drop, signature in rows}

    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        assert job.execute_in_process(instance=instance, tags=tags).success
        first = versions(instance)
        assert sorted(first) == ["2026-01-01", "2026-01-03"]
        assert first == recorded() and first["2026-01-01"] != first["2026-01-03"]
        records = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=contacts), limit=100).records
        assert len(records) == 2  # one per drop, none for the range as a whole
        assert instance.get_latest_materialization_event(contacts) is not None

        write_file("crm/2026-01-03/contacts.csv", f"{CONTACTS_HEADER}\n{row.replace('C1', 'C4')}\n")
        assert job.execute_in_process(instance=instance, tags=tags).success
        second = versions(instance)
        assert second == recorded()
        assert second["2026-01-01"] == first["2026-01-01"] and second["2026-01-03"] != first["2026-01-03"]
