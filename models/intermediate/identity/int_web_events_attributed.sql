{#- Web page and track messages that count (first delivery, no bots), with their customer.
    Messages of deleted contacts are gone. -#}
with

events as (

    select * from {{ ref('stg_web__events') }}
    where not is_bot
        and message_type in ('page', 'track')
        and occurred_at is not null

),

identities as (

    select * from {{ ref('int_identities_stitched') }}

),

attributed as (

    select
        events.*,
        coalesce(by_user.customer_key, by_device.customer_key) as customer_key,
        coalesce(by_user.is_deleted, by_device.is_deleted, false) as is_deleted
    from events
    left join identities as by_user
        on by_user.identifier_type = 'contact_id'
        and events.user_id = by_user.identifier
    left join identities as by_device
        on by_device.identifier_type = 'anonymous_id'
        and events.user_id is null
        and events.anonymous_id = by_device.identifier

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
