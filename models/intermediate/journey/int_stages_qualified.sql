{#- Per customer and stage, the qualifying time (earliest qualifying touch, seed stage_rules) and the
    channel of that touch (ties: alphabetically first channel). Stages without a qualifying touch
    have no row. -#}
with

rules as (

    select * from {{ ref('stage_rules') }}

),

touchpoints as (

    select * from {{ ref('int_touchpoints_unioned') }}

),

as_of as (

    select as_of from {{ ref('int_drops_summarised') }}

),

touch_matches as (

    select
        touchpoints.customer_key,
        rules.stage,
        rules.stage_order,
        touchpoints.occurred_at as qualified_at,
        touchpoints.channel
    from touchpoints
    inner join rules
        on rules.rule = 'touchpoint'
        and (rules.touchpoint_type is null or touchpoints.touchpoint_type = rules.touchpoint_type)
        and (rules.event_name is null or touchpoints.event_name = rules.event_name)
        and (rules.page_path_prefix is null or {{ starts_with('touchpoints.page_path', 'rules.page_path_prefix') }})
        and (rules.contact_reason is null or touchpoints.contact_reason = rules.contact_reason)
        and (rules.initiation_method is null or touchpoints.initiation_method = rules.initiation_method)
        and (rules.min_score is null or touchpoints.score >= rules.min_score)

),

placed_orders as (

    select
        customer_key,
        ordered_at,
        row_number() over (partition by customer_key order by ordered_at, order_id) as order_number
    from {{ ref('int_orders_converted') }}
    where is_placed

),

nth_order_matches as (

    select
        placed_orders.customer_key,
        rules.stage,
        rules.stage_order,
        placed_orders.ordered_at as qualified_at,
        'sales' as channel
    from placed_orders
    inner join rules
        on rules.rule = 'nth_order'
        and placed_orders.order_number = rules.parameter

),

tenure_matches as (

    select
        subscriptions.customer_key,
        rules.stage,
        rules.stage_order,
        {{ dbt.dateadd('day', 'rules.parameter', 'subscriptions.started_at') }} as qualified_at,
        'sales' as channel
    from {{ ref('int_subscriptions_attributed') }} as subscriptions
    inner join rules
        on rules.rule = 'subscription_tenure'
    cross join as_of
    where {{ dbt.dateadd('day', 'rules.parameter', 'subscriptions.started_at') }} <= as_of.as_of
        and (
            subscriptions.cancelled_at is null
            or subscriptions.cancelled_at > {{ dbt.dateadd('day', 'rules.parameter', 'subscriptions.started_at') }}
        )

),

matches as (

    select * from touch_matches
    union all
    select * from nth_order_matches
    union all
    select * from tenure_matches

),

ranked as (

    select
        *,
        row_number() over (
            partition by customer_key, stage order by qualified_at, channel
        ) as match_rank
    from matches

)

select
    customer_key,
    stage,
    stage_order,
    qualified_at,
    channel as entry_channel
from ranked
where match_rank = 1
