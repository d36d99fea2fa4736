select
    session_id,
    customer_key,
    anonymous_id,
    started_at,
    ended_at,
    page_views,
    events,
    landing_path,
    utm_source,
    utm_medium,
    utm_campaign
from {{ ref('int_web_sessions_sessionized') }}
