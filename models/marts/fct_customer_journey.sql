with

qualified as (

    select * from {{ ref('int_stages_qualified') }}

),

touchpoints as (

    select * from {{ ref('int_touchpoints_unioned') }}

),

as_of as (

    select as_of from {{ ref('int_drops_summarised') }}

),

entered as (

    select
        customer_key,
        stage,
        stage_order,
        entry_channel,
        max(qualified_at) over (
            partition by customer_key order by stage_order rows between unbounded preceding and current row
        ) as entered_at
    from qualified

),

sequenced as (

    select
        entered.*,
        lead(entered_at) over (partition by customer_key order by stage_order) as exited_at,
        lead(stage) over (partition by customer_key order by stage_order) as next_stage
    from entered

),

stage_touches as (

    select
        sequenced.customer_key,
        sequenced.stage,
        touchpoints.touchpoint_id,
        touchpoints.channel
    from sequenced
    inner join touchpoints
        on {{ in_stage_at('sequenced', 'touchpoints.customer_key', 'touchpoints.occurred_at') }}

),

touch_counts as (

    select customer_key, stage, count(*) as touchpoints_in_stage
    from stage_touches
    group by customer_key, stage

),

stage_channels as (

    select customer_key, stage, {{ dbt.listagg('channel', "','", 'order by channel') }} as channels_in_stage
    from (select distinct customer_key, stage, channel from stage_touches) as distinct_channels
    group by customer_key, stage

)

select
    sequenced.customer_key,
    sequenced.stage,
    sequenced.stage_order,
    sequenced.entered_at,
    sequenced.exited_at,
    sequenced.next_stage,
    cast(
        {{ seconds_between('sequenced.entered_at', 'coalesce(sequenced.exited_at, as_of.as_of)') }} / 86400.0
        as {{ type_double() }}
    ) as days_in_stage,
    cast(coalesce(touch_counts.touchpoints_in_stage, 0) as bigint) as touchpoints_in_stage,
    coalesce(stage_channels.channels_in_stage, '') as channels_in_stage,
    sequenced.entry_channel,
    sequenced.exited_at is null as is_current_stage
from sequenced
cross join as_of
left join touch_counts
    on sequenced.customer_key = touch_counts.customer_key
    and sequenced.stage = touch_counts.stage
left join stage_channels
    on sequenced.customer_key = stage_channels.customer_key
    and sequenced.stage = stage_channels.stage
