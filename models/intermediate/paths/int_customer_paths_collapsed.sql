{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_customers() }}",
    )
}}
{#- One row per customer: its path as shown in the path and flow marts (the first six channel
    steps joined by ' > ', then ' > …' when there are more), whether and when it converted, and
    its first touchpoint.
    Incremental by customer: a build redoes the customers changed since the last one
    (int_customers_fingerprinted). -#}
-- depends_on: {{ ref('int_customers_fingerprinted') }}
with

journey as (

    select * from {{ ref('fct_customer_journey') }}
    {%- if is_incremental() %}
    where customer_key in {{ changed_customers() }}
    {%- endif %}

),

customers as (

    select customer_key from journey where stage = 'awareness'

),

conversions as (

    select customer_key, entered_at as converted_at from journey where stage = 'conversion'

),

first_touches as (

    select customer_key, min(occurred_at) as first_touch_at
    from {{ ref('fct_touchpoints') }}
    {%- if is_incremental() %}
    where customer_key in {{ changed_customers() }}
    {%- endif %}
    group by customer_key

),

steps as (

    select * from {{ ref('int_channel_steps_collapsed') }}
    {%- if is_incremental() %}
    where customer_key in {{ changed_customers() }}
    {%- endif %}

),

step_counts as (

    select customer_key, count(*) as channel_steps
    from steps
    group by customer_key

),

shown as (

    select
        customer_key,
        {{ dbt.listagg('channel', "' > '", 'order by step_number') }} as shown_channels,
        max(step_number) as path_length
    from steps
    where step_number <= 6
    group by customer_key

)

select
    customers.customer_key,
    cast(coalesce(step_counts.channel_steps, 0) as bigint) as channel_steps,
    cast(coalesce(shown.path_length, 0) as integer) as path_length,
    coalesce(shown.shown_channels, '')
    || case when coalesce(step_counts.channel_steps, 0) > 6 then ' > …' else '' end as path,
    last_shown.channel as last_shown_channel,
    conversions.converted_at is not null as is_converted,
    conversions.converted_at,
    first_touches.first_touch_at
from customers
left join step_counts
    on customers.customer_key = step_counts.customer_key
left join shown
    on customers.customer_key = shown.customer_key
left join steps as last_shown
    on shown.customer_key = last_shown.customer_key
    and shown.path_length = last_shown.step_number
left join conversions
    on customers.customer_key = conversions.customer_key
left join first_touches
    on customers.customer_key = first_touches.customer_key
