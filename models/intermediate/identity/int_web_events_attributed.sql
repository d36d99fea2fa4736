{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_devices() }}",
    )
}}
{#- Web page and track messages that count (first delivery, no bots), with their customer.
    Messages of deleted contacts are gone. Incremental by device: a build redoes the devices whose
    messages or identities changed since the last one (int_web_devices). -#}
-- depends_on: {{ ref('int_web_devices') }}
with

events as (

    select * from {{ ref('stg_web__events') }}
    where not is_bot
        and message_type in ('page', 'track')
        and occurred_at is not null
        {%- if is_incremental() %}
        and anonymous_id in {{ changed_devices() }}
        {%- endif %}

),

identities as (

    select * from {{ ref('int_identities_stitched') }}

),

users as (

    select * from identities where identifier_type = 'contact_id'

),

devices as (

    select * from identities where identifier_type = 'anonymous_id'

),

attributed as (

    -- A message with a userId belongs to that user, else to its device. Both joins are plain
    -- equi-joins (the choice is made after joining), so they stay hash joins.
    select
        events.*,
        case when events.user_id is null then by_device.customer_key else by_user.customer_key end
            as customer_key,
        coalesce(
            case when events.user_id is null then by_device.is_deleted else by_user.is_deleted end, false
        ) as is_deleted
    from events
    left join users as by_user
        on events.user_id = by_user.identifier
    left join devices as by_device
        on events.anonymous_id = by_device.identifier

)

select
    message_id,
    customer_key,
    anonymous_id,
    user_id,
    message_type,
    event_name,
    occurred_at,
    page_path,
    referrer,
    utm_source,
    utm_medium,
    utm_campaign,
    order_id,
    rating
from attributed
where not is_deleted
