"""The journey dashboard and the Data Docs in a real headless Chromium, after one `journey run`.

Each page loads from the file system with no console error and no request leaving the machine,
shows its charts with the labels a reader needs, and the numbers the published marts hold: the
test queries the marts itself. A screenshot of each page goes to build/screenshots/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration.dashboard import dashboard_pages
from orchestration.defs.dbt.project import dbt_project, ensure_manifest
from orchestration.marts import MARTS
from orchestration.settings import Settings
from tests.ui.browser import chromium
from tests.warehouse import Build

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("generated")]

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_DIR / "build" / "screenshots"
PAGE_TIMEOUT_MS = 60_000
PAGES = ("kpis", "funnel", "flows", "personas", "attribution", "actions")
LOCAL = ("file://", "data:", "about:", "http://127.0.0.1", "http://localhost", "https://127.0.0.1", "https://localhost")


@dataclass
class Run:
    settings: Settings
    stderr: str
    dagster_run_ids: list[str] = field(default_factory=list)

    @property
    def dashboard(self) -> Path:
        return self.settings.publish_dir / "dashboard"

    def query(self, sql: str) -> list[tuple]:
        conn = duckdb.connect(str(self.settings.publish_dir / "journey.duckdb"), read_only=True)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()


@pytest.fixture(scope="module")
def run(generated_build: Build) -> Run:
    """A small landing zone through `journey run`: warehouse, validation, publication, dashboard
    (the session's shared build, read only)."""
    return Run(generated_build.settings, generated_build.stderr, list(generated_build.dagster_run_ids))


@dataclass
class Browser:
    chromium: Any
    blocked: list[str] = field(default_factory=list)

    def open(self, url: str, ready: str) -> tuple[Any, list[str]]:
        """A page at ``url`` once ``ready`` shows; every request leaving the machine is refused and
        recorded; console errors and uncaught exceptions are collected."""
        page = self.chromium.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        def route(request_route: Any) -> None:
            url = request_route.request.url
            if url.startswith(LOCAL):
                request_route.continue_()
            else:
                self.blocked.append(url)
                request_route.abort()

        page.route("**/*", route)
        page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_MS)  # every script, style and image
        page.wait_for_selector(ready, timeout=PAGE_TIMEOUT_MS)
        page.evaluate("() => document.fonts.ready.then(() => true)")
        return page, errors


@pytest.fixture(scope="module")
def browser(run: Run) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    executable = chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        try:
            yield Browser(launched)
        finally:
            launched.close()


def _screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _chart(page: Any, element_id: str) -> dict:
    """The traces and layout plotly drew in the element (its data as the page holds it)."""
    return page.evaluate(
        "id => { const gd = document.getElementById(id);"
        " return {data: gd.data, layout: {title: gd.layout.title, xaxis: gd.layout.xaxis, yaxis: gd.layout.yaxis,"
        " annotations: (gd.layout.annotations || []).map(a => a.text)}}; }",
        element_id,
    )


def _svg_text(page: Any, element_id: str) -> str:
    return page.evaluate(
        "id => Array.from(document.querySelectorAll('#' + id + ' svg text')).map(t => t.textContent).join('\\n')",
        element_id,
    )


def _close(actual: list, expected: list, tolerance: float = 1e-6) -> bool:
    if len(actual) != len(expected):
        return False
    for a, e in zip(actual, expected, strict=True):
        if e is None or a is None:
            if not (e is None and a is None):
                return False
        elif abs(float(a) - float(e)) > tolerance * max(1.0, abs(float(e))):
            return False
    return True


def _open_page(browser: Browser, run: Run, name: str, ready: str) -> tuple[Any, list[str]]:
    blocked_before = len(browser.blocked)
    page, errors = browser.open((run.dashboard / f"{name}.html").as_uri(), ready)
    _screenshot(page, f"dashboard-{name}")
    assert not errors, f"console errors on {name}: {errors}"
    assert browser.blocked[blocked_before:] == [], f"{name} requested outside the machine"
    return page, errors


def test_journey_run_says_where_the_dashboard_is(run: Run) -> None:
    index = run.dashboard / "index.html"
    assert f"dashboard at {index}" in run.stderr
    assert index.exists()


def test_the_pages_are_the_exposures_of_the_dbt_project(run: Run, browser: Browser) -> None:
    pages = dashboard_pages(ensure_manifest(dbt_project()))
    assert tuple(p.name for p in pages) == PAGES

    page, errors = browser.open((run.dashboard / "index.html").as_uri(), "ul.pages")
    try:
        _screenshot(page, "dashboard-index")
        assert not errors and not browser.blocked
        links = page.eval_on_selector_all(
            "ul.pages a", "links => links.map(a => [a.textContent, a.getAttribute('href')])"
        )
        assert links == [[p.title, f"{p.name}.html"] for p in pages]
        as_of = run.query("SELECT as_of FROM marts._publication")[0][0]
        assert f"Data as of {as_of}" in page.inner_text("body")
    finally:
        page.close()


def test_kpis_page_charts_every_kpi_month_by_month(run: Run, browser: Browser) -> None:
    rows = run.query(
        "SELECT strftime(month, '%Y-%m'), nps, csat_pct, fcr_rate * 100, abandonment_rate * 100, avg_wait_seconds, "
        "churn_rate * 100, net_revenue_eur, new_customers FROM marts.mart_cx_kpis_monthly ORDER BY month"
    )
    assert rows
    page, _ = _open_page(browser, run, "kpis", "#kpi-trends .main-svg")
    try:
        chart = _chart(page, "kpi-trends")
        assert chart["layout"]["title"]["text"] == "Customer experience KPIs by month (UTC)"
        months = [r[0] for r in rows]
        assert len(chart["data"]) == 8
        for i, trace in enumerate(chart["data"]):
            assert trace["x"] == months
            assert _close(trace["y"], [r[i + 1] for r in rows]), trace["name"]
        text = _svg_text(page, "kpi-trends")
        for label in ("NPS (−100 to 100)", "% of answered contacts", "seconds", "EUR", "customers", "Month"):
            assert label in text
        last = rows[-1]
        headlines = page.inner_text(".headlines")
        assert f"NPS, {last[0]}" in headlines
        assert (f"{last[1]:.1f}" if last[1] is not None else "–") in headlines
        assert f"{float(last[7]):,.2f} EUR" in headlines
    finally:
        page.close()


def test_funnel_page_shows_customers_per_stage_and_cohort(run: Run, browser: Browser) -> None:
    stages = run.query(
        "SELECT stage, sum(customers_entered) FROM marts.mart_journey_funnel GROUP BY stage, stage_order "
        "ORDER BY stage_order"
    )
    cohorts = run.query("SELECT DISTINCT strftime(cohort_month, '%Y-%m') FROM marts.mart_journey_funnel ORDER BY 1")
    page, _ = _open_page(browser, run, "funnel", "#funnel-cohorts .main-svg")
    try:
        funnel = _chart(page, "funnel-stages")["data"][0]
        assert funnel["y"] == [s.capitalize() for s, _ in stages]
        assert funnel["x"] == [int(n) for _, n in stages]
        heat = _chart(page, "funnel-cohorts")
        assert heat["data"][0]["y"] == [c for (c,) in cohorts]
        text = _svg_text(page, "funnel-stages") + _svg_text(page, "funnel-cohorts")
        assert "Customers reaching each stage, all cohorts" in text
        assert "Cohort (month of awareness)" in text and "% of the cohort" in text
        assert f"Customers reaching awareness\n{int(stages[0][1]):,}" in page.inner_text(".headlines")
    finally:
        page.close()


def test_flows_page_draws_stage_and_channel_sankeys(run: Run, browser: Browser) -> None:
    stages = run.query(
        "SELECT stage, sum(customers_entered), sum(customers_progressed) FROM marts.mart_journey_funnel "
        "GROUP BY stage, stage_order ORDER BY stage_order"
    )
    flows = run.query("SELECT from_node, to_node, customers FROM marts.mart_channel_flows")
    page, _ = _open_page(browser, run, "flows", "#channel-flow .main-svg")
    try:
        stage_flow = _chart(page, "stage-flow")["data"][0]
        moved_on = [int(p) for _, _, p in stages[:-1]]
        left = [int(e) - int(p) for _, e, p in stages[:-1]]
        assert stage_flow["link"]["value"][0::2] == moved_on
        assert stage_flow["link"]["value"][1::2] == left
        assert [s.capitalize() for s, _, _ in stages] == stage_flow["node"]["label"][: len(stages)]
        channel_flow = _chart(page, "channel-flow")["data"][0]
        assert sum(channel_flow["link"]["value"]) == sum(int(c) for _, _, c in flows)
        assert set(channel_flow["node"]["label"]) == {f for f, _, _ in flows} | {t for _, t, _ in flows}
        text = _svg_text(page, "stage-flow") + _svg_text(page, "channel-flow")
        assert "Left after awareness" in text and "(conversion)" in text
    finally:
        page.close()


def test_personas_page_maps_each_persona_through_the_stages(run: Run, browser: Browser) -> None:
    rows = run.query(
        "SELECT persona, stage_order, customers_entered, nps FROM marts.mart_persona_journey "
        "ORDER BY persona, stage_order"
    )
    personas = sorted({r[0] for r in rows})
    page, _ = _open_page(browser, run, "personas", "#persona-days .main-svg")
    try:
        customers = _chart(page, "persona-customers")["data"][0]
        assert customers["y"] == personas
        assert customers["x"] == ["Awareness", "Consideration", "Conversion", "Retention", "Advocacy"]
        expected = {(p, o): n for p, o, n, _ in rows}
        assert customers["z"] == [[expected.get((p, o)) for o in range(1, 6)] for p in personas]
        nps = _chart(page, "persona-nps")["data"][0]
        expected_nps = {(p, o): v for p, o, _, v in rows}
        for row, persona in zip(nps["z"], personas, strict=True):
            assert _close(row, [expected_nps.get((persona, o)) for o in range(1, 6)], 1e-3)
        text = _svg_text(page, "persona-customers")
        assert "Persona" in text and "Journey stage" in text
    finally:
        page.close()


def test_attribution_page_compares_channels_across_models(run: Run, browser: Browser) -> None:
    rows = run.query(
        "SELECT model, channel, sum(conversions), sum(revenue_eur) FROM marts.mart_channel_attribution_monthly "
        "GROUP BY model, channel"
    )
    assert rows
    models = sorted({r[0] for r in rows})
    page, _ = _open_page(browser, run, "attribution", "#attribution-revenue .main-svg")
    try:
        for element, column in (("attribution-conversions", 2), ("attribution-revenue", 3)):
            traces = _chart(page, element)["data"]
            assert [t["name"] for t in traces] == [m.replace("_", " ") for m in models]
            for trace, model in zip(traces, models, strict=True):
                expected = {c: v for m, c, *values in rows if m == model for v in [values[column - 2]]}
                assert _close(trace["y"], [expected.get(c) for c in trace["x"]], 1e-4), (element, model)
        text = _svg_text(page, "attribution-conversions") + _svg_text(page, "attribution-revenue")
        assert "conversions (credits)" in text and "revenue (EUR)" in text and "Channel" in text
    finally:
        page.close()


def test_actions_page_lists_open_actions_by_customer_key_only(run: Run, browser: Browser) -> None:
    counts = run.query("SELECT action, count(*) FROM marts.mart_customer_actions GROUP BY action ORDER BY action")
    first = run.query(
        "SELECT customer_key, strftime(due_at, '%Y-%m-%d %H:%M') FROM marts.mart_customer_actions "
        "ORDER BY due_at, customer_key, action LIMIT 50"
    )
    assert counts, "the small landing zone should leave open actions"
    page, _ = _open_page(browser, run, "actions", "#actions-by-reason .main-svg")
    try:
        traces = _chart(page, "actions-by-reason")["data"]
        totals: dict[str, int] = {}
        for trace in traces:
            for action, n in zip(trace["x"], trace["y"], strict=True):
                totals[action] = totals.get(action, 0) + (n or 0)
        assert totals == {a.replace("_", " "): n for a, n in counts}
        table = page.eval_on_selector_all(
            "#actions-due tbody tr", "rows => rows.map(r => [r.cells[0].textContent, r.cells[3].textContent])"
        )
        assert [tuple(r) for r in table] == first
        text = page.inner_text("body")
        assert "@" not in text  # no e-mail address
        assert not re.search(r"\+\d{8,}", text)  # no phone number
    finally:
        page.close()


def test_data_docs_render_styled_offline_with_the_run_and_the_marts(run: Run, browser: Browser) -> None:
    docs = run.settings.data_docs_dir
    blocked_before = len(browser.blocked)
    page, errors = browser.open((docs / "index.html").as_uri(), ".bootstrap-table tbody tr")
    try:
        _screenshot(page, "data-docs-index")
        assert not errors, errors
        assert browser.blocked[blocked_before:] == []
        styled = page.evaluate(
            """async () => { await document.fonts.ready; return {
              icons: Array.from(document.fonts).filter(f => f.family.includes('Font Awesome') && f.status === 'loaded')
                .length,
              button: getComputedStyle(document.querySelector('.btn')).borderRadius,
              sheets: Array.from(document.querySelectorAll('link[rel=stylesheet]')).map(l => l.sheet !== null)}; }"""
        )
        assert styled["button"] != "0px"  # Bootstrap's buttons are rounded
        assert styled["sheets"] and all(styled["sheets"])  # every style sheet loaded
        assert styled["icons"] > 0  # Font Awesome's font loaded
        rows = page.evaluate(
            "() => $('.bootstrap-table table.table').toArray().flatMap(t => $(t).bootstrapTable('getData'))"
            ".filter(r => 'run_name' in r).map(r => [r.run_name, r.asset_name])"
        )
    finally:
        page.close()
    assert rows
    run_names = {re.sub(r"<[^>]+>", "", name) for name, _ in rows}
    assert run_names <= set(run.dagster_run_ids), run_names
    assets = {re.sub(r"<[^>]+>", "", a) for _, a in rows}
    assert set(MARTS) <= assets
    assert not {a for a in assets if "." in a}, "a consistency check is its own data asset"

    mart = "fct_customer_journey"
    validation = next((docs / "validations" / mart).glob("*/*/*.html"))
    blocked_before = len(browser.blocked)
    page, errors = browser.open(validation.as_uri(), ".navbar")
    try:
        _screenshot(page, "data-docs-validation")
        assert not errors, errors
        assert browser.blocked[blocked_before:] == []
        summary = json.loads((docs / "validation_summary.json").read_text(encoding="utf-8"))
        assert summary["run_id"] in run.dagster_run_ids
        text = page.inner_text("body")
        assert summary["run_id"] in text
        assert f"Data asset: {mart}" in text
    finally:
        page.close()
