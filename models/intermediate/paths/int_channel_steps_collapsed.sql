{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_customers() }}",
    )
}}
{#- A customer's channel steps along its path: its touchpoints in order (occurred_at, then
    touchpoint_id), consecutive touchpoints of one channel counted once. The path of a converted
    customer is made of its touchpoints strictly before its conversion entered_at; of any other
    customer, of all its touchpoints. Every step is kept (the cap at six is the marts').
    Incremental by customer: a build redoes the customers changed since the last one
    (int_customers_fingerprinted). -#}
-- depends_on: {{ ref('int_customers_fingerprinted') }}
with

touchpoints as (

    select customer_key, touchpoint_id, occurred_at, channel from {{ ref('fct_touchpoints') }}
    {%- if is_incremental() %}
    where customer_key in {{ changed_customers() }}
    {%- endif %}

),

conversions as (

    select customer_key, entered_at as converted_at
    from {{ ref('fct_customer_journey') }}
    where stage = 'conversion'
        {%- if is_incremental() %}
        and customer_key in {{ changed_customers() }}
        {%- endif %}

),

path_touches as (

    select
        touchpoints.customer_key,
        touchpoints.touchpoint_id,
        touchpoints.occurred_at,
        touchpoints.channel,
        lag(touchpoints.channel) over (
            partition by touchpoints.customer_key order by touchpoints.occurred_at, touchpoints.touchpoint_id
        ) as previous_channel
    from touchpoints
    left join conversions
        on touchpoints.customer_key = conversions.customer_key
    where conversions.converted_at is null
        or touchpoints.occurred_at < conversions.converted_at

),

steps as (

    select customer_key, touchpoint_id, occurred_at, channel
    from path_touches
    where previous_channel is null
        or previous_channel <> channel

)

select
    customer_key,
    cast(row_number() over (partition by customer_key order by occurred_at, touchpoint_id) as integer)
        as step_number,
    channel,
    occurred_at as step_started_at,
    touchpoint_id as first_touchpoint_id
from steps
