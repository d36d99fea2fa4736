{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_customers() }}",
    )
}}
{#- One row per conversion and lookback touchpoint: the customer's touchpoints with
    entered_at − 30 days <= occurred_at < entered_at of its conversion, survey channel excluded,
    numbered oldest first (ties broken by touchpoint_id), with the utm_source of the web session
    that contains a web message. Conversions without any are not here.
    Incremental by customer: a build redoes the customers changed since the last one
    (int_customers_fingerprinted). -#}
-- depends_on: {{ ref('int_customers_fingerprinted') }}
with

conversions as (

    select customer_key, entered_at as converted_at
    from {{ ref('fct_customer_journey') }}
    where stage = 'conversion'
        {%- if is_incremental() %}
        and customer_key in {{ changed_customers() }}
        {%- endif %}

),

touchpoints as (

    select customer_key, touchpoint_id, occurred_at, channel
    from {{ ref('fct_touchpoints') }}
    where channel <> 'survey'
        {%- if is_incremental() %}
        and customer_key in {{ changed_customers() }}
        {%- endif %}

),

web_messages as (

    select 'web:' || message_id as touchpoint_id, anonymous_id, occurred_at
    from {{ ref('int_web_events_attributed') }}

),

sessions as (

    select anonymous_id, started_at, ended_at, utm_source from {{ ref('fct_web_sessions') }}

),

matched as (

    select
        conversions.customer_key,
        conversions.converted_at,
        touchpoints.touchpoint_id,
        touchpoints.occurred_at,
        touchpoints.channel
    from conversions
    inner join touchpoints
        on conversions.customer_key = touchpoints.customer_key
        and touchpoints.occurred_at >= {{ dbt.dateadd('day', -30, 'conversions.converted_at') }}
        and touchpoints.occurred_at < conversions.converted_at

),

with_sessions as (

    select
        matched.*,
        sessions.utm_source
    from matched
    left join web_messages
        on matched.touchpoint_id = web_messages.touchpoint_id
    left join sessions
        on web_messages.anonymous_id = sessions.anonymous_id
        and web_messages.occurred_at >= sessions.started_at
        and web_messages.occurred_at <= sessions.ended_at

)

select
    customer_key,
    converted_at,
    touchpoint_id,
    occurred_at,
    channel,
    utm_source,
    cast(row_number() over (partition by customer_key order by occurred_at, touchpoint_id) as integer)
        as touch_position,
    cast(count(*) over (partition by customer_key) as integer) as lookback_touchpoints,
    cast({{ seconds_between('occurred_at', 'converted_at') }} / 86400.0 as {{ type_double() }}) as days_before_conversion
from with_sessions
