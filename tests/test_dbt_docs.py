"""The dbt docs site's overview page carries how the contract is read."""

from __future__ import annotations

import json
from pathlib import Path

from orchestration.defs.dbt.project import dbt_cli, dbt_project


def test_overview_page_holds_the_readings_of_the_contract(tmp_path: Path) -> None:
    project = dbt_project()
    dbt_cli(project).cli(["parse", "--quiet"], target_path=tmp_path).wait()
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    # the docs site shows the root project's __overview__ block on its overview page
    overview = manifest["docs"][f"doc.{manifest['metadata']['project_name']}.__overview__"]["block_contents"]
    assert "## How the contract is read" in overview
    for reading in ("**Versions and duplicates.**", "**Web identity.**", "**Web sessions.**", "**Metrics.**"):
        assert reading in overview
    # the descriptions that point to the readings point to the overview page
    descriptions = [n.get("description", "") for n in manifest["nodes"].values()]
    pointing = [d for d in descriptions if "How the contract is read" in d]
    assert pointing and all("overview page" in d for d in pointing)
