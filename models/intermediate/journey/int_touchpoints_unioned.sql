{#- One row per customer interaction across the three systems, with what stage rules look at. -#}
with

web as (

    select * from {{ ref('int_web_events_attributed') }}

),

crm_orders as (

    select order_id from {{ ref('stg_crm__orders') }}

),

contacts as (

    select * from {{ ref('int_contacts_current') }}

),

deals as (

    select * from {{ ref('int_deals_attributed') }}

),

orders as (

    select * from {{ ref('int_orders_converted') }} where is_placed

),

subscriptions as (

    select * from {{ ref('int_subscriptions_attributed') }}

),

surveys as (

    select * from {{ ref('int_surveys_attributed') }}

),

contact_centre as (

    select * from {{ ref('int_contact_centre_contacts_attributed') }}

),

web_touches as (

    select
        'web:' || web.message_id as touchpoint_id,
        web.customer_key,
        web.occurred_at,
        'web' as source_system,
        'web' as channel,
        case web.message_type when 'page' then 'web_page' else 'web_event' end as touchpoint_type,
        web.event_name,
        web.page_path,
        cast(null as {{ dbt.type_string() }}) as contact_reason,
        cast(null as {{ dbt.type_string() }}) as initiation_method,
        web.rating as score
    from web
    where not coalesce(
        web.message_type = 'track'
        and web.event_name = 'Order Completed'
        and web.order_id in (select order_id from crm_orders),
        false
    )

),

crm_touches as (

    select 'crm:contact_created:' || contact_id as touchpoint_id, contact_id as customer_key,
        created_at as occurred_at, 'contact_created' as touchpoint_type, 'sales' as channel,
        cast(null as integer) as score
    from contacts
    union all
    select 'crm:deal_created:' || deal_id, customer_key, created_at, 'deal_created', 'sales', null
    from deals
    union all
    select 'crm:deal_closed:' || deal_id, customer_key, closed_at,
        case deal_stage when 'closedwon' then 'deal_won' else 'deal_lost' end, 'sales', null
    from deals
    where deal_stage in ('closedwon', 'closedlost') and closed_at is not null
    union all
    select 'crm:order_placed:' || order_id, customer_key, ordered_at, 'order_placed', 'sales', null
    from orders
    union all
    select 'crm:subscription_started:' || subscription_id, customer_key, started_at,
        'subscription_started', 'sales', null
    from subscriptions
    union all
    select 'crm:subscription_cancelled:' || subscription_id, customer_key, cancelled_at,
        'subscription_cancelled', 'sales', null
    from subscriptions
    where cancelled_at is not null
    union all
    select 'crm:nps_response:' || survey_id, customer_key, submitted_at, 'nps_response', 'survey', score
    from surveys
    where survey_type = 'nps'

),

contact_centre_touches as (

    select
        'contact_centre:contact:' || contact_record_id as touchpoint_id,
        customer_key,
        initiated_at as occurred_at,
        'contact_centre' as source_system,
        touch_channel as channel,
        'contact_centre_contact' as touchpoint_type,
        contact_reason,
        initiation_method
    from contact_centre
    union all
    select
        'contact_centre:csat:' || survey_id,
        customer_key,
        submitted_at,
        'contact_centre',
        'survey',
        'csat_response',
        null,
        null
    from surveys
    where survey_type = 'csat'

),

unioned as (

    select
        touchpoint_id, customer_key, occurred_at, source_system, channel, touchpoint_type,
        event_name, page_path, contact_reason, initiation_method, score
    from web_touches
    union all
    select
        touchpoint_id, customer_key, occurred_at, 'crm', channel, touchpoint_type,
        null, null, null, null, score
    from crm_touches
    union all
    select
        touchpoint_id, customer_key, occurred_at, source_system, channel, touchpoint_type,
        null, null, contact_reason, initiation_method, null
    from contact_centre_touches

)

select * from unioned
where occurred_at is not null
