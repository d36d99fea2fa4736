"""dbt exposures appear in the Dagster asset graph, downstream of the marts they read."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import yaml

from orchestration.definitions import build_definitions
from orchestration.defs.dbt.assets import JourneyDbtTranslator
from orchestration.defs.dbt.exposures import exposure_specs
from orchestration.marts import MARTS
from orchestration.settings import Settings

PROJECT_DIR = Path(__file__).resolve().parents[1]
PUBLICATION = dg.AssetKey(["published", "journey"])


def _mart(name: str) -> dg.AssetKey:
    return dg.AssetKey(["marts", name])


def test_publication_exposures_sit_downstream_of_the_marts_they_read(tmp_path: Path) -> None:
    defs = build_definitions(Settings(landing_dir=tmp_path / "landing", duckdb_path=tmp_path / "warehouse.duckdb"))
    graph = defs.get_repository_def().asset_graph

    publication = graph.get(dg.AssetKey(["exposures", "journey_publication"]))
    assert publication.group_name == "exposures"
    assert set(publication.parent_keys) == {PUBLICATION, *(_mart(m) for m in MARTS)}
    assert "team:customer_journey_data_team" in publication.owners
    assert not publication.is_executable

    actions = graph.get(dg.AssetKey(["exposures", "customer_actions_export"]))
    assert set(actions.parent_keys) == {PUBLICATION, _mart("mart_customer_actions")}
    # the jobs over every asset still resolve with the exposures in the graph
    assert defs.resolve_job_def("daily") is not None


def test_publication_exposure_names_every_published_mart() -> None:
    declared = yaml.safe_load((PROJECT_DIR / "models/exposures/_publication__exposures.yml").read_text())
    [publication] = [e for e in declared["exposures"] if e["name"] == "journey_publication"]
    assert publication["depends_on"] == [f"ref('{m}')" for m in MARTS]


def test_any_exposure_of_the_manifest_becomes_an_asset_through_metrics_too() -> None:
    """An exposure declared elsewhere (a dashboard page reading a metric) needs no code: the metric
    stands for the models its semantic model reads."""
    model = {
        "unique_id": "model.customer_journey.mart_cx_kpis_monthly",
        "resource_type": "model",
        "name": "mart_cx_kpis_monthly",
        "fqn": ["customer_journey", "marts", "mart_cx_kpis_monthly"],
        "config": {"schema": "marts"},
        "schema": "marts",
        "meta": {},
    }
    manifest = {
        "nodes": {model["unique_id"]: model},
        "sources": {},
        "semantic_models": {
            "semantic_model.customer_journey.surveys": {
                "resource_type": "semantic_model",
                "depends_on": {"nodes": [model["unique_id"]]},
            }
        },
        "metrics": {
            "metric.customer_journey.nps": {
                "resource_type": "metric",
                "depends_on": {"nodes": ["semantic_model.customer_journey.surveys"]},
            }
        },
        "exposures": {
            "exposure.customer_journey.kpi_page": {
                "name": "kpi_page",
                "type": "dashboard",
                "url": "http://localhost:8080/kpis.html",
                "owner": {"email": "analytics@example.org"},
                "depends_on": {"nodes": ["metric.customer_journey.nps", "model.customer_journey.unknown"]},
            }
        },
    }
    [spec] = exposure_specs(manifest, JourneyDbtTranslator())
    assert spec.key == dg.AssetKey(["exposures", "kpi_page"])
    assert {dep.asset_key for dep in spec.deps} == {_mart("mart_cx_kpis_monthly")}
    assert spec.owners == ["analytics@example.org"]
    assert spec.kinds == {"dbt", "dashboard"}
    assert spec.metadata["url"].value == "http://localhost:8080/kpis.html"
