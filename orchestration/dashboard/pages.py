"""The pages of the journey dashboard, as the dbt project declares them.

Each page is a dbt exposure of type ``dashboard`` named ``dashboard_<page>`` in
``models/exposures/_dashboard__exposures.yml``: its url is the page's file relative to the
publication folder (``dashboard/<page>.html``) and ``depends_on`` lists the marts it reads. The
builder takes the pages, their titles, descriptions and marts from the dbt manifest only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DASHBOARD_DIR = "dashboard"
PAGE_PREFIX = "dashboard_"


class DashboardError(Exception):
    """A dashboard that cannot be built: one line saying why."""


@dataclass(frozen=True)
class DashboardPage:
    """One page: ``name`` (``kpis``), its file (``kpis.html``), title, description and marts."""

    name: str
    title: str
    description: str
    marts: tuple[str, ...]

    @property
    def file_name(self) -> str:
        return f"{self.name}.html"


def dashboard_pages(manifest_path: Path) -> list[DashboardPage]:
    """The dashboard pages declared as exposures in the dbt manifest, in the order of their file."""
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DashboardError(f"cannot read the dbt manifest {manifest_path}: {error}") from error
    pages = []
    for exposure in manifest.get("exposures", {}).values():
        name = exposure["name"]
        if exposure.get("type") != "dashboard" or not name.startswith(PAGE_PREFIX):
            continue
        page = name.removeprefix(PAGE_PREFIX)
        expected_url = f"{DASHBOARD_DIR}/{page}.html"
        if exposure.get("url") != expected_url:
            raise DashboardError(f"exposure {name}: url is {exposure.get('url')!r}, expected {expected_url!r}")
        marts = tuple(
            node.split(".")[-1] for node in exposure.get("depends_on", {}).get("nodes", []) if node.startswith("model.")
        )
        if not marts:
            raise DashboardError(f"exposure {name} depends on no mart")
        description = " ".join((exposure.get("description") or "").split())
        pages.append(DashboardPage(page, exposure.get("label") or page, description, marts))
    if not pages:
        raise DashboardError(f"the dbt manifest {manifest_path} declares no dashboard page (exposures {PAGE_PREFIX}*)")
    return pages
