with

touchpoints as (

    select * from {{ ref('int_touchpoints_unioned') }}

),

journey as (

    select * from {{ ref('fct_customer_journey') }}

)

select
    touchpoints.touchpoint_id,
    touchpoints.customer_key,
    touchpoints.occurred_at,
    touchpoints.source_system,
    touchpoints.channel,
    touchpoints.touchpoint_type,
    journey.stage
from touchpoints
left join journey
    on touchpoints.customer_key = journey.customer_key
    and touchpoints.occurred_at >= journey.entered_at
    and (journey.exited_at is null or touchpoints.occurred_at < journey.exited_at)
