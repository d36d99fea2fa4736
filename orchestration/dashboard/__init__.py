"""The journey dashboard: static pages built from the published marts after each publication."""

from .build import Dashboard, build_dashboard, refresh_dashboard
from .pages import DASHBOARD_DIR, DashboardError, DashboardPage, dashboard_pages

__all__ = [
    "DASHBOARD_DIR",
    "Dashboard",
    "DashboardError",
    "DashboardPage",
    "build_dashboard",
    "dashboard_pages",
    "refresh_dashboard",
]
