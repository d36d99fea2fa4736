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
    -- an open interval ends at infinity; a plain comparison keeps this a hash join on customer_key
    and touchpoints.occurred_at < coalesce(journey.exited_at, cast('infinity' as {{ dbt.type_timestamp() }}))
