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
    on {{ in_stage_at('journey', 'touchpoints.customer_key', 'touchpoints.occurred_at') }}
