{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_customers() }}",
    )
}}
{#- Multi-touch attribution: each conversion gives its credit, 1 per model, to its lookback
    touchpoints (int_attribution_touchpoints_matched), or to the channel '(none)' when it has
    none. Credits and revenue stay unrounded; rounding happens in
    mart_channel_attribution_monthly.
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

lookback as (

    select
        *,
        power(2.0, -days_before_conversion / 7.0) as decay_weight
    from {{ ref('int_attribution_touchpoints_matched') }}
    {%- if is_incremental() %}
    where customer_key in {{ changed_customers() }}
    {%- endif %}

),

decay_totals as (

    select customer_key, sum(decay_weight) as total_decay_weight
    from lookback
    group by customer_key

),

models as (

    select model from {{ ref('attribution_models') }}

),

credited as (

    select
        lookback.customer_key,
        lookback.converted_at,
        models.model,
        lookback.touchpoint_id,
        lookback.channel,
        lookback.utm_source,
        case models.model
            when 'first_touch' then case when lookback.touch_position = 1 then 1.0 else 0.0 end
            when 'last_touch' then
                case when lookback.touch_position = lookback.lookback_touchpoints then 1.0 else 0.0 end
            when 'linear' then 1.0 / lookback.lookback_touchpoints
            when 'position_based' then
                case
                    when lookback.lookback_touchpoints = 1 then 1.0
                    when lookback.lookback_touchpoints = 2 then 0.5
                    when lookback.touch_position = 1 or lookback.touch_position = lookback.lookback_touchpoints
                        then 0.4
                    else 1.0 / (5.0 * (lookback.lookback_touchpoints - 2))
                end
            when 'time_decay' then lookback.decay_weight / decay_totals.total_decay_weight
        end as credit
    from lookback
    inner join decay_totals
        on lookback.customer_key = decay_totals.customer_key
    cross join models

),

uncredited as (

    select
        conversions.customer_key,
        conversions.converted_at,
        models.model,
        cast(null as {{ dbt.type_string() }}) as touchpoint_id,
        '(none)' as channel,
        cast(null as {{ dbt.type_string() }}) as utm_source,
        1.0 as credit
    from conversions
    cross join models
    where conversions.customer_key not in (select customer_key from lookback)

),

credits as (

    select * from credited where credit > 0
    union all
    select * from uncredited

),

orders as (

    select customer_key, ordered_at, amount_eur
    from {{ ref('int_orders_converted') }}
    where status = 'completed'
        {%- if is_incremental() %}
        and customer_key in {{ changed_customers() }}
        {%- endif %}

),

revenue as (

    select conversions.customer_key, sum(orders.amount_eur) as revenue_eur
    from conversions
    inner join orders
        on conversions.customer_key = orders.customer_key
        and orders.ordered_at >= conversions.converted_at
        and orders.ordered_at <= {{ dbt.dateadd('day', 30, 'conversions.converted_at') }}
    group by conversions.customer_key

)

select
    credits.customer_key,
    credits.converted_at,
    credits.model,
    credits.touchpoint_id,
    credits.channel,
    credits.utm_source,
    cast(credits.credit as {{ type_double() }}) as credit,
    cast(credits.credit * cast(coalesce(revenue.revenue_eur, 0) as {{ type_double() }}) as {{ type_double() }}) as revenue_eur
from credits
left join revenue
    on credits.customer_key = revenue.customer_key
