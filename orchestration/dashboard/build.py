"""Write the journey dashboard: static HTML pages of plotly charts, read from the published marts.

The folder holds ``index.html``, one page per dashboard exposure of the dbt project,
``plotly.min.js`` (copied from the plotly package) and ``dashboard.css``. Pages refer to both by
relative paths: the folder opens from the file system or any web server, with no network.
It is written beside the target as a temporary folder and then put in place.
"""

from __future__ import annotations

import html
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from orchestration.defs.dbt.project import dbt_project, ensure_manifest
from orchestration.publication import PUBLISHED_DATABASE, read_publication

from .pages import DASHBOARD_DIR, DashboardError, DashboardPage, dashboard_pages
from .renderers import RENDERERS, Marts, PageContent

PLOTLY_JS = "plotly.min.js"
STYLESHEET = "dashboard.css"
INDEX = "index.html"
_CATALOG = "published"

_CSS = """\
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; margin: 0; color: #222; background: #fafafa; }
nav { background: #1f3b57; padding: 0.6rem 2rem; }
nav a { color: #fff; margin-right: 1.4rem; text-decoration: none; font-size: 0.95rem; }
nav a.current { font-weight: bold; border-bottom: 2px solid #fff; }
main { padding: 1rem 2rem 3rem; max-width: 1400px; }
h1 { margin: 0.6rem 0 0.2rem; font-size: 1.7rem; }
p.lead { margin: 0.2rem 0 0.4rem; font-size: 1.05rem; }
p.meta { color: #555; font-size: 0.85rem; margin: 0 0 1rem; }
.headlines { display: flex; flex-wrap: wrap; gap: 0.8rem; margin: 0.8rem 0 1.2rem; }
.headline { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 0.6rem 1rem; min-width: 11rem; }
.headline .label { font-size: 0.8rem; color: #555; }
.headline .value { font-size: 1.5rem; font-weight: bold; }
.chart { background: #fff; border: 1px solid #ddd; border-radius: 6px; margin: 0 0 1.2rem; padding: 0.4rem; }
table { border-collapse: collapse; background: #fff; font-size: 0.9rem; }
th, td { border: 1px solid #ddd; padding: 0.3rem 0.7rem; text-align: left; }
th { background: #eef2f6; }
ul.pages li { margin: 0.5rem 0; }
.note { color: #555; font-style: italic; }
"""


@dataclass(frozen=True)
class Dashboard:
    """A written dashboard: its folder, its index and its pages."""

    folder: Path
    pages: list[DashboardPage]

    @property
    def index(self) -> Path:
        return self.folder / INDEX


def build_dashboard(
    published_database: Path, manifest_path: Path, folder: Path, publication: dict[str, Any] | None = None
) -> Dashboard:
    """Write the dashboard of the published marts in ``published_database`` into ``folder``,
    with the pages the dbt manifest declares; the previous dashboard stays until the new one is whole."""
    pages = dashboard_pages(manifest_path)
    missing = [p.name for p in pages if p.name not in RENDERERS]
    if missing:
        raise DashboardError(
            f"no renderer for the dashboard page{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(exposure {', '.join('dashboard_' + m for m in missing)}); "
            "add one to RENDERERS in orchestration/dashboard/renderers.py"
        )
    if not published_database.exists():
        raise DashboardError(f"nothing is published at {published_database}")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        conn = duckdb.connect()
        try:
            path = str(published_database.resolve()).replace("'", "''")
            conn.execute(f"ATTACH '{path}' AS {_CATALOG} (READ_ONLY)")
            published = {
                name
                for (name,) in conn.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'marts'",
                    [_CATALOG],
                ).fetchall()
            }
            for page in pages:
                absent = [m for m in page.marts if m not in published]
                if absent:
                    raise DashboardError(
                        f"dashboard page {page.name} reads {', '.join(absent)}, which the publication does not hold"
                    )
                content = RENDERERS[page.name](Marts(conn, _CATALOG, page))
                _write(staging / page.file_name, _page_html(page, pages, content, publication or {}))
        finally:
            conn.close()
        _write(staging / INDEX, _index_html(pages, publication or {}))
        _write(staging / STYLESHEET, _CSS)
        shutil.copyfile(resources.files("plotly") / "package_data" / PLOTLY_JS, staging / PLOTLY_JS)
        _replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Dashboard(folder, pages)


def refresh_dashboard(publish_dir: Path) -> Dashboard:
    """The dashboard of the current publication in ``publish_dir``, written to its ``dashboard/``,
    with the pages of the project's dbt manifest."""
    return build_dashboard(
        publish_dir / PUBLISHED_DATABASE,
        ensure_manifest(dbt_project()),
        publish_dir / DASHBOARD_DIR,
        read_publication(publish_dir),
    )


def _replace(new: Path, folder: Path) -> None:
    old = folder.with_name(f".{folder.name}.{os.getpid()}.old.tmp")
    if folder.exists():
        os.rename(folder, old)
    os.rename(new, folder)
    shutil.rmtree(old, ignore_errors=True)


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _nav(pages: list[DashboardPage], current: str | None) -> str:
    links = [f'<a href="{INDEX}"{" class=current" if current is None else ""}>Overview</a>']
    links += [
        f'<a href="{p.file_name}"{" class=current" if p.name == current else ""}>{html.escape(p.title)}</a>'
        for p in pages
    ]
    return "<nav>" + "".join(links) + "</nav>"


def _meta(publication: dict[str, Any]) -> str:
    if not publication:
        return ""
    as_of, published_at = publication.get("as_of") or "–", publication.get("published_at") or "–"
    run_id = publication.get("run_id") or "–"
    return html.escape(f"Data as of {as_of} UTC, published {published_at} by run {run_id}.")


def _head(title: str, scripts: bool) -> str:
    script = f'<script src="{PLOTLY_JS}"></script>' if scripts else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)} · Customer journey</title>\n"
        '<link rel="icon" href="data:,">\n'
        f'<link rel="stylesheet" href="{STYLESHEET}">\n{script}\n</head>\n'
    )


def _page_html(page: DashboardPage, pages: list[DashboardPage], content: PageContent, publication: dict) -> str:
    headlines = "".join(
        f'<div class="headline"><div class="label">{html.escape(label)}</div>'
        f'<div class="value">{html.escape(value)}</div></div>'
        for label, value in content.headlines
    )
    charts = "".join(
        '<div class="chart">'
        + figure.to_html(full_html=False, include_plotlyjs=False, div_id=slug, config={"displaylogo": False})
        + "</div>"
        for slug, figure in content.charts
    )
    notes = "".join(f'<p class="note">{html.escape(n)}</p>' for n in content.notes)
    marts = ", ".join(page.marts)
    return (
        _head(page.title, scripts=True)
        + "<body>\n"
        + _nav(pages, page.name)
        + f"<main>\n<h1>{html.escape(page.title)}</h1>\n<p class=lead>{html.escape(page.description)}</p>\n"
        + f"<p class=meta>{_meta(publication)} Read from {html.escape(marts)}.</p>\n"
        + (f'<div class="headlines">{headlines}</div>\n' if headlines else "")
        + notes
        + charts
        + "".join(content.tables)
        + "\n</main>\n</body>\n</html>\n"
    )


def _index_html(pages: list[DashboardPage], publication: dict) -> str:
    items = "".join(
        f'<li><a href="{p.file_name}">{html.escape(p.title)}</a>: {html.escape(p.description)}</li>' for p in pages
    )
    built = datetime.now(UTC).isoformat(timespec="seconds")
    return (
        _head("Journey dashboard", scripts=False)
        + "<body>\n"
        + _nav(pages, None)
        + "<main>\n<h1>Customer journey dashboard</h1>\n"
        + "<p class=lead>How customers move from awareness to advocacy, what it feels like to them, "
        "and what to do next.</p>\n"
        + f"<p class=meta>{_meta(publication)} Built {built}.</p>\n"
        + f'<ul class="pages">{items}</ul>\n</main>\n</body>\n</html>\n'
    )
