"""The dashboard's pages are the dbt exposures of models/exposures/_dashboard__exposures.yml, read
from the real dbt manifest; a page without a renderer fails the build with one clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from orchestration.dashboard import DashboardError, build_dashboard, dashboard_pages
from orchestration.defs.dbt.project import dbt_project, ensure_manifest

PROJECT_DIR = Path(__file__).resolve().parents[1]
EXPOSURES = PROJECT_DIR / "models" / "exposures" / "_dashboard__exposures.yml"


@pytest.fixture(scope="module")
def manifest() -> Path:
    return ensure_manifest(dbt_project())


def test_the_pages_are_the_dashboard_exposures(manifest: Path) -> None:
    declared = yaml.safe_load(EXPOSURES.read_text(encoding="utf-8"))["exposures"]

    pages = dashboard_pages(manifest)

    assert [f"dashboard_{p.name}" for p in pages] == [e["name"] for e in declared]
    for page, exposure in zip(pages, declared, strict=True):
        assert exposure["type"] == "dashboard"
        assert exposure["url"] == f"dashboard/{page.file_name}"
        assert [f"ref('{m}')" for m in page.marts] == exposure["depends_on"]
        assert page.title == exposure["label"]


def test_a_page_without_renderer_fails_clearly(manifest: Path, tmp_path: Path) -> None:
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["exposures"]["exposure.customer_journey.dashboard_churn"] = {
        "name": "dashboard_churn",
        "type": "dashboard",
        "url": "dashboard/churn.html",
        "label": "Churn",
        "description": "",
        "depends_on": {"nodes": ["model.customer_journey.mart_cx_kpis_monthly"]},
    }
    changed = tmp_path / "manifest.json"
    changed.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(DashboardError, match=r"no renderer for the dashboard page churn \(exposure dashboard_churn\)"):
        build_dashboard(tmp_path / "journey.duckdb", changed, tmp_path / "dashboard")
    assert not (tmp_path / "dashboard").exists()


def test_a_page_whose_url_is_not_its_file_fails_clearly(manifest: Path, tmp_path: Path) -> None:
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["exposures"]["exposure.customer_journey.dashboard_kpis"]["url"] = "kpi.html"
    changed = tmp_path / "manifest.json"
    changed.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(
        DashboardError, match="exposure dashboard_kpis: url is 'kpi.html', expected 'dashboard/kpis.html'"
    ):
        dashboard_pages(changed)
