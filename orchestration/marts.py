"""The marts analysts and BI tools read: each is validated before a publication and published
when every blocking check passes. The one list that validation, publication, freshness and
``journey status`` read."""

from __future__ import annotations

MARTS: tuple[str, ...] = (
    "fct_customer_journey",
    "fct_touchpoints",
    "fct_web_sessions",
    "dim_customers",
    "dim_journey_stages",
    "mart_cx_kpis_monthly",
    "mart_journey_funnel",
    "mart_stage_experience_monthly",
    "mart_persona_journey",
    "fct_support_cases",
    "fct_survey_responses",
    "mart_channel_flows",
    "mart_conversion_paths",
    "fct_attribution_credits",
    "mart_channel_attribution_monthly",
    "fct_feedback_follow_ups",
    "mart_customer_actions",
)
# Marts also written as files for the tools that import them (exports/<name>.parquet, .csv).
EXPORTED_MARTS: dict[str, str] = {"mart_customer_actions": "customer_actions"}
