"""What each dashboard page shows: plotly figures, headline figures and tables, read from the
published marts. One renderer per page name of the dbt exposures (orchestration/dashboard/pages.py).

A renderer reads the marts through ``Marts.sql``, which knows only the marts its page's exposure
declares: a query naming another mart fails. Customers appear by ``customer_key`` only.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .pages import DashboardError, DashboardPage

STAGE_COLOURS = ["#4C78A8", "#72B7B2", "#54A24B", "#EECA3B", "#B279A2"]
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
ACTIONS_LISTED = 50


class Marts:
    """The published marts a page may read: ``sql("... FROM {mart_x}")`` names them in braces."""

    def __init__(self, conn: duckdb.DuckDBPyConnection, catalog: str, page: DashboardPage) -> None:
        self._conn = conn
        self._tables = {m: f"{catalog}.marts.{m}" for m in page.marts}
        self._page = page

    def sql(self, query: str) -> pd.DataFrame:
        try:
            text = query.format_map(self._tables)
        except KeyError as error:
            raise DashboardError(
                f"page {self._page.name} reads {error.args[0]}, which its exposure dashboard_{self._page.name} "
                f"does not declare (it declares {', '.join(self._page.marts)})"
            ) from None
        return self._conn.execute(text).df()


@dataclass
class PageContent:
    """What a renderer puts on a page: headline figures, charts (by element id) and tables (HTML)."""

    headlines: list[tuple[str, str]] = field(default_factory=list)
    charts: list[tuple[str, go.Figure]] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _values(series: pd.Series) -> list[Any]:
    """A column as a plain list for plotly (nulls as None), so the page carries readable numbers."""
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in series.tolist()]


def _pct(series: pd.Series) -> list[Any]:
    return [None if v is None else v * 100 for v in _values(series.astype("float64"))]


def _month_labels(series: pd.Series) -> list[str]:
    return [pd.Timestamp(v).strftime("%Y-%m") for v in series]


def number(value: Any, decimals: int = 0, unit: str = "") -> str:
    """A value as a page shows it: thousands separated, ``–`` when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{float(value):,.{decimals}f}{unit}"


def _layout(fig: go.Figure, title: str, height: int = 460, **layout: Any) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        height=height,
        font={"family": FONT, "size": 13},
        margin={"l": 70, "r": 30, "t": 80, "b": 60},
        plot_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        **layout,
    )
    fig.update_xaxes(showline=True, linecolor="#999", gridcolor="#eee")
    fig.update_yaxes(showline=True, linecolor="#999", gridcolor="#eee", zerolinecolor="#ccc")
    return fig


# The KPI chart: (column, subplot title, y axis title, percentage of a ratio)
KPI_SERIES: tuple[tuple[str, str, str, bool], ...] = (
    ("nps", "NPS", "NPS (−100 to 100)", False),
    ("csat_pct", "CSAT: satisfied (4–5 of 5)", "% of CSAT responses", False),
    ("fcr_rate", "First-contact resolution", "% of answered contacts", True),
    ("abandonment_rate", "Abandoned calls", "% of queued contacts", True),
    ("avg_wait_seconds", "Average wait in queue", "seconds", False),
    ("churn_rate", "Subscription churn", "% of active subscriptions", True),
    ("net_revenue_eur", "Net revenue", "EUR", False),
    ("new_customers", "New customers (converted)", "customers", False),
)


def render_kpis(marts: Marts) -> PageContent:
    frame = marts.sql("SELECT * FROM {mart_cx_kpis_monthly} ORDER BY month")
    content = PageContent()
    if frame.empty:
        content.notes.append("No month with data yet.")
        return content
    last = frame.iloc[-1]
    month = pd.Timestamp(last["month"]).strftime("%Y-%m")
    content.headlines = [
        (f"NPS, {month}", number(last["nps"], 1)),
        (f"CSAT satisfied, {month}", number(last["csat_pct"], 1, " %")),
        (f"First-contact resolution, {month}", number(_pct(frame["fcr_rate"])[-1], 1, " %")),
        (f"Net revenue, {month}", number(last["net_revenue_eur"], 2, " EUR")),
        (f"New customers, {month}", number(last["new_customers"])),
    ]
    content.notes.append(f"The last month, {month}, holds what happened up to the as_of date above.")
    fig = make_subplots(
        rows=4, cols=2, subplot_titles=[s[1] for s in KPI_SERIES], vertical_spacing=0.09, horizontal_spacing=0.1
    )
    months = _month_labels(frame["month"])
    for i, (column, title, axis, ratio) in enumerate(KPI_SERIES):
        row, col = i // 2 + 1, i % 2 + 1
        values = _pct(frame[column]) if ratio else _values(frame[column].astype("float64"))
        fig.add_trace(
            go.Scatter(x=months, y=values, name=title, mode="lines+markers", line={"color": "#4C78A8"}),
            row=row,
            col=col,
        )
        fig.update_yaxes(title_text=axis, row=row, col=col)
        fig.update_xaxes(title_text="Month", type="category", row=row, col=col)
    _layout(fig, "Customer experience KPIs by month (UTC)", height=1250, showlegend=False)
    content.charts.append(("kpi-trends", fig))
    return content


def _stage_totals(marts: Marts) -> pd.DataFrame:
    return marts.sql(
        """
        SELECT stage, stage_order, sum(customers_entered) AS entered, sum(customers_progressed) AS progressed
        FROM {mart_journey_funnel} GROUP BY stage, stage_order ORDER BY stage_order
        """
    )


def render_funnel(marts: Marts) -> PageContent:
    totals = _stage_totals(marts)
    content = PageContent()
    if totals.empty or totals["entered"].sum() == 0:
        content.notes.append("No customer has entered the journey yet.")
        return content
    entered = dict(zip(totals["stage"], totals["entered"], strict=True))
    first = float(totals["entered"].iloc[0])
    content.headlines = [(f"Customers reaching {s}", number(v)) for s, v in entered.items()]
    if first:
        content.headlines.append(
            ("Awareness to conversion", number(100 * entered.get("conversion", 0) / first, 1, " %"))
        )
    funnel = go.Figure(
        go.Funnel(
            y=[s.capitalize() for s in totals["stage"]],
            x=_values(totals["entered"]),
            textinfo="value+percent initial",
            marker={"color": STAGE_COLOURS[: len(totals)]},
        )
    )
    _layout(funnel, "Customers reaching each stage, all cohorts", yaxis_title="Journey stage", xaxis_title="customers")
    content.charts.append(("funnel-stages", funnel))

    cohorts = marts.sql(
        """
        SELECT cohort_month, stage, stage_order, customers_entered, progression_rate
        FROM {mart_journey_funnel} WHERE stage_order < 5 ORDER BY cohort_month, stage_order
        """
    )
    pivot = cohorts.pivot_table(index="cohort_month", columns="stage_order", values="progression_rate", dropna=False)
    stages = cohorts.drop_duplicates("stage_order").sort_values("stage_order")
    z = [[None if pd.isna(v) else round(v * 100, 1) for v in row] for row in pivot.to_numpy().tolist()]
    heat = go.Figure(
        go.Heatmap(
            x=[f"past {s}" for s in stages["stage"]],
            y=_month_labels(pd.Series(pivot.index)),
            z=z,
            text=[[number(v, 1, " %") for v in row] for row in z],
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            zmax=100,
            colorbar={"title": {"text": "% of the cohort<br>in the stage"}},
            hovertemplate="cohort %{y}, moved %{x}: %{z} %<extra></extra>",
        )
    )
    _layout(
        heat,
        "Share of each monthly cohort moving past a stage (%)",
        height=max(360, 60 + 40 * len(pivot)),
        xaxis_title="Stage left for a later one",
        yaxis_title="Cohort (month of awareness)",
    )
    heat.update_yaxes(type="category", autorange="reversed")
    content.charts.append(("funnel-cohorts", heat))
    return content


def render_flows(marts: Marts) -> PageContent:
    content = PageContent()
    totals = _stage_totals(marts)
    if not totals.empty and totals["entered"].sum() > 0:
        labels = [s.capitalize() for s in totals["stage"]]
        left = [f"Left after {s}" for s in totals["stage"][:-1]]
        source, target, value = [], [], []
        for i in range(len(totals) - 1):
            progressed = int(totals["progressed"].iloc[i])
            stopped = int(totals["entered"].iloc[i]) - progressed
            source += [i, i]
            target += [i + 1, len(labels) + i]
            value += [progressed, stopped]
        stage_flow = go.Figure(
            go.Sankey(
                node={
                    "label": labels + left,
                    "color": STAGE_COLOURS[: len(labels)] + ["#BBBBBB"] * len(left),
                    "pad": 18,
                },
                link={"source": source, "target": target, "value": value},
                valueformat=",d",
                valuesuffix=" customers",
            )
        )
        _layout(stage_flow, "Journey stages: customers moving on or leaving, all cohorts", height=480)
        content.charts.append(("stage-flow", stage_flow))
    flows = marts.sql(
        "SELECT step, from_node, to_node, customers FROM {mart_channel_flows} ORDER BY step, from_node, to_node"
    )
    if flows.empty:
        content.notes.append("No customer path yet.")
        return content
    nodes: dict[tuple[int, str], int] = {}

    def node(position: int, name: str) -> int:
        return nodes.setdefault((position, name), len(nodes))

    source, target, value = [], [], []
    for step, from_node, to_node, customers in flows.itertuples(index=False):
        source.append(node(int(step) - 1, from_node))
        target.append(node(int(step), to_node))
        value.append(int(customers))
    labels = [name for (_, name) in nodes]
    channel_flow = go.Figure(
        go.Sankey(
            node={"label": labels, "pad": 14},
            link={"source": source, "target": target, "value": value},
            valueformat=",d",
            valuesuffix=" customers",
        )
    )
    _layout(channel_flow, "Channels of each customer's path, touch by touch, to conversion or not", height=620)
    content.charts.append(("channel-flow", channel_flow))
    starts = flows[flows["step"] == 1]["customers"].sum()
    converted = flows[flows["to_node"] == "(conversion)"]["customers"].sum()
    content.headlines = [
        ("Customers with a path", number(starts)),
        ("Paths ending in conversion", number(converted)),
    ]
    return content


def render_personas(marts: Marts) -> PageContent:
    frame = marts.sql("SELECT * FROM {mart_persona_journey} ORDER BY persona, stage_order")
    content = PageContent()
    if frame.empty:
        content.notes.append("No persona yet.")
        return content
    stages = frame.drop_duplicates("stage_order").sort_values("stage_order")["stage"].tolist()
    personas = sorted(frame["persona"].unique().tolist())
    x = [s.capitalize() for s in stages]

    def grid(column: str, scale: float = 1.0) -> list[list[Any]]:
        pivot = frame.pivot_table(index="persona", columns="stage_order", values=column, dropna=False)
        pivot = pivot.reindex(personas)
        return [[None if pd.isna(v) else round(float(v) * scale, 1) for v in row] for row in pivot.to_numpy().tolist()]

    def heatmap(slug: str, title: str, column: str, colorbar: str, scale: float = 1.0, **trace: Any) -> None:
        z = grid(column, scale)
        fig = go.Figure(
            go.Heatmap(
                x=x,
                y=personas,
                z=z,
                text=[[number(v, 1 if scale != 1.0 or column != "customers_entered" else 0) for v in row] for row in z],
                texttemplate="%{text}",
                colorbar={"title": {"text": colorbar}},
                hovertemplate="%{y}, %{x}: %{z}<extra></extra>",
                **trace,
            )
        )
        _layout(fig, title, height=max(340, 120 + 50 * len(personas)), xaxis_title="Journey stage")
        fig.update_yaxes(title_text="Persona", type="category")
        content.charts.append((slug, fig))

    heatmap(
        "persona-customers",
        "Customers of each persona reaching each stage",
        "customers_entered",
        "customers",
        colorscale="Blues",
    )
    heatmap(
        "persona-progression",
        "Share moving on to a later stage (%)",
        "progression_rate",
        "%",
        scale=100.0,
        colorscale="Greens",
        zmin=0,
        zmax=100,
    )
    heatmap(
        "persona-nps",
        "NPS of the answers given in each stage (−100 to 100)",
        "nps",
        "NPS",
        colorscale="RdYlGn",
        zmin=-100,
        zmax=100,
    )
    heatmap("persona-days", "Median days spent in each stage", "median_days_in_stage", "days", colorscale="Purples")
    converted = frame[frame["stage"] == "conversion"].set_index("persona")["customers_entered"]
    content.headlines = [(f"{p}: customers converted", number(converted.get(p, 0))) for p in personas]
    return content


def render_attribution(marts: Marts) -> PageContent:
    frame = marts.sql(
        """
        SELECT model, channel, sum(conversions) AS conversions, sum(revenue_eur) AS revenue_eur
        FROM {mart_channel_attribution_monthly} GROUP BY model, channel ORDER BY model, channel
        """
    )
    content = PageContent()
    if frame.empty:
        content.notes.append("No conversion to attribute yet.")
        return content
    channels = sorted(frame["channel"].unique().tolist())
    for slug, column, title, axis in (
        (
            "attribution-conversions",
            "conversions",
            "Conversions credited to each channel, by attribution model",
            "conversions (credits)",
        ),
        (
            "attribution-revenue",
            "revenue_eur",
            "Revenue credited to each channel, by attribution model",
            "revenue (EUR)",
        ),
    ):
        fig = go.Figure()
        for model, rows in frame.groupby("model", sort=True):
            by_channel = rows.set_index("channel")[column].astype("float64").reindex(channels)
            fig.add_trace(go.Bar(name=model.replace("_", " "), x=channels, y=_values(by_channel)))
        _layout(fig, title, barmode="group", xaxis_title="Channel", yaxis_title=axis, legend_title_text="Model")
        content.charts.append((slug, fig))
    per_model = frame.groupby("model")[["conversions", "revenue_eur"]].sum()
    any_model = per_model.index[0]
    content.headlines = [
        ("Conversions attributed", number(per_model.loc[any_model, "conversions"], 0)),
        ("Revenue attributed", number(per_model.loc[any_model, "revenue_eur"], 2, " EUR")),
    ]
    return content


def render_actions(marts: Marts) -> PageContent:
    counts = marts.sql(
        "SELECT action, reason, count(*) AS customers FROM {mart_customer_actions} GROUP BY action, reason "
        "ORDER BY action, reason"
    )
    content = PageContent()
    if counts.empty:
        content.notes.append("No open action.")
        return content
    actions = sorted(counts["action"].unique().tolist())
    fig = go.Figure()
    for reason, rows in counts.groupby("reason", sort=True):
        by_action = rows.set_index("action")["customers"].reindex(actions)
        fig.add_trace(
            go.Bar(name=reason.replace("_", " "), x=[a.replace("_", " ") for a in actions], y=_values(by_action))
        )
    _layout(
        fig,
        "Open actions by reason",
        barmode="stack",
        xaxis_title="Action",
        yaxis_title="customers",
        legend_title_text="Reason",
    )
    if counts["customers"].max() <= 10:
        fig.update_yaxes(dtick=1)  # whole customers, not fractions of one
    content.charts.append(("actions-by-reason", fig))
    totals = counts.groupby("action")["customers"].sum()
    content.headlines = [(f"Open: {a.replace('_', ' ')}", number(totals[a])) for a in actions]
    first = marts.sql(
        f"""
        SELECT customer_key, action, reason, due_at, persona, current_stage
        FROM {{mart_customer_actions}} ORDER BY due_at, customer_key, action LIMIT {ACTIONS_LISTED}
        """
    )
    total = int(counts["customers"].sum())
    heading = f"The {len(first)} actions due first" if total > len(first) else f"All {total} open actions, by due date"
    header = ["Customer key", "Action", "Reason", "Due (UTC)", "Persona", "Current stage"]
    rows = [
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(v))}</td>"
            for v in (
                r.customer_key,
                r.action.replace("_", " "),
                r.reason.replace("_", " "),
                pd.Timestamp(r.due_at).strftime("%Y-%m-%d %H:%M"),
                r.persona,
                r.current_stage,
            )
        )
        + "</tr>"
        for r in first.itertuples(index=False)
    ]
    content.tables.append(
        f"<h2>{heading}</h2>"
        '<table id="actions-due"><thead><tr>'
        + "".join(f"<th>{h}</th>" for h in header)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    return content


RENDERERS: dict[str, Callable[[Marts], PageContent]] = {
    "kpis": render_kpis,
    "funnel": render_funnel,
    "flows": render_flows,
    "personas": render_personas,
    "attribution": render_attribution,
    "actions": render_actions,
}
