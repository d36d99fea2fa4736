{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_devices() }}",
    )
}}
-- depends_on: {{ ref('int_web_devices') }}
select
    session_id,
    customer_key,
    anonymous_id,
    started_at,
    ended_at,
    cast(page_views as bigint) as page_views,
    cast(events as bigint) as events,
    landing_path,
    utm_source,
    utm_medium,
    utm_campaign
from {{ ref('int_web_sessions_sessionized') }}
{%- if is_incremental() %}
where anonymous_id in {{ changed_devices() }}
{%- endif %}
