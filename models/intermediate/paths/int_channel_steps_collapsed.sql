{#- A customer's channel steps along its path: its touchpoints in order (occurred_at, then
    touchpoint_id), consecutive touchpoints of one channel counted once. The path of a converted
    customer is made of its touchpoints strictly before its conversion entered_at; of any other
    customer, of all its touchpoints. Every step is kept (the cap at six is the marts'). -#}
with

touchpoints as (

    select customer_key, touchpoint_id, occurred_at, channel from {{ ref('fct_touchpoints') }}

),

conversions as (

    select customer_key, entered_at as converted_at
    from {{ ref('fct_customer_journey') }}
    where stage = 'conversion'

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
