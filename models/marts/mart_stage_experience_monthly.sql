with

months as (

    select month from {{ ref('int_months_spined') }}

),

stages as (

    select stage, stage_order from {{ ref('journey_stages') }}

),

journey as (

    select * from {{ ref('fct_customer_journey') }}

),

touchpoints as (

    select
        {{ month_of('occurred_at') }} as month,
        stage,
        customer_key,
        touchpoint_id,
        touchpoint_type
    from {{ ref('fct_touchpoints') }}

),

contacts as (

    select
        'contact_centre:contact:' || contact_record_id as touchpoint_id,
        is_inbound and is_queued and is_answered and queue_wait_seconds is not null as has_wait,
        queue_wait_seconds
    from {{ ref('int_contact_centre_contacts_attributed') }}

),

per_stage as (

    select
        touchpoints.month,
        touchpoints.stage,
        count(*) as touchpoints,
        sum(case when touchpoints.touchpoint_type = 'contact_centre_contact' then 1 else 0 end) as contacts,
        count(distinct case when touchpoints.touchpoint_type = 'contact_centre_contact' then touchpoints.customer_key end)
            as contacting_customers,
        sum(case when contacts.has_wait then 1 else 0 end) as waited_contacts,
        sum(case when contacts.has_wait then cast(round(contacts.queue_wait_seconds * 1000) as bigint) else 0 end)
            as wait_milliseconds
    from touchpoints
    left join contacts
        on touchpoints.touchpoint_id = contacts.touchpoint_id
    group by touchpoints.month, touchpoints.stage

),

surveys as (

    select
        {{ month_of('submitted_at') }} as month,
        stage,
        sum(case when survey_type = 'csat' then 1 else 0 end) as csat_responses,
        sum({{ count_category('survey_type', 'score', 'satisfied') }}) as csat_satisfied,
        sum(case when survey_type = 'nps' then 1 else 0 end) as nps_responses,
        sum({{ count_category('survey_type', 'score', 'promoter') }}) as promoters,
        sum({{ count_category('survey_type', 'score', 'detractor') }}) as detractors,
        avg(sentiment_score) as avg_sentiment
    from {{ ref('fct_survey_responses') }}
    group by {{ month_of('submitted_at') }}, stage

),

orders as (

    select
        {{ month_of('orders.ordered_at') }} as month,
        journey.stage,
        count(*) as orders,
        sum({{ completed_revenue_eur('orders') }}) as completed_revenue_eur,
        count({{ completed_revenue_eur('orders') }}) as completed_orders
    from {{ ref('int_orders_converted') }} as orders
    inner join journey
        on {{ in_stage_at('journey', 'orders.customer_key', 'orders.ordered_at') }}
    where orders.is_placed
    group by {{ month_of('orders.ordered_at') }}, journey.stage

)

select
    months.month,
    stages.stage,
    stages.stage_order,
    cast(coalesce(per_stage.touchpoints, 0) as bigint) as touchpoints,
    cast(coalesce(per_stage.contacts, 0) as bigint) as contacts,
    {{ ratio_rounded('per_stage.wait_milliseconds', '1000 * per_stage.waited_contacts', 1, 12) }} as avg_wait_seconds,
    {{ ratio_rounded('100 * surveys.csat_satisfied', 'surveys.csat_responses', 1, 5) }} as csat_pct,
    {{ ratio_rounded('100 * (surveys.promoters - surveys.detractors)', 'surveys.nps_responses', 1, 5) }} as nps,
    cast(coalesce(orders.orders, 0) as bigint) as orders,
    cast(round(orders.completed_revenue_eur / nullif(orders.completed_orders, 0), 2) as decimal(18, 2))
        as avg_order_value_eur,
    cast(round(surveys.avg_sentiment, 3) as decimal(4, 3)) as avg_sentiment,
    {{ ratio_rounded('per_stage.contacts', 'per_stage.contacting_customers', 2, 12) }} as contacts_per_customer
from months
cross join stages
left join per_stage
    on months.month = per_stage.month
    and stages.stage = per_stage.stage
left join surveys
    on months.month = surveys.month
    and stages.stage = surveys.stage
left join orders
    on months.month = orders.month
    and stages.stage = orders.stage
