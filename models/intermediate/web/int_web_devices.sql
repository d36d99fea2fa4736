{{
    config(
        materialized='incremental',
        unique_key='anonymous_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}
{#- One row per device (anonymousId) with a fingerprint of everything its attributed messages
    and sessions depend on: its delivered messages, the identity of the device and the identities
    of the users seen on it. changed_at is the start of the build that last saw the fingerprint
    change; device-keyed incremental models rebuild the devices changed since their own last
    build. A device whose messages are all gone keeps a row with a null fingerprint. -#}
with

events as (

    select * from {{ ref('stg_web__events') }}

),

identities as (

    select * from {{ ref('int_identities_stitched') }}

),

device_messages as (

    select
        anonymous_id,
        count(*) as messages,
        bit_xor(
            {{ row_hash([
                'message_id', 'message_type', 'user_id', 'event_name', 'occurred_at', 'page_path', 'utm_source',
                'utm_medium', 'utm_campaign', 'order_id', 'rating', 'is_bot', '_drop_date', '_file', '_line_number'
            ]) }}
        ) as messages_fingerprint
    from events
    group by anonymous_id

),

device_users as (

    select distinct anonymous_id, user_id
    from events
    where user_id is not null

),

users_fingerprints as (

    select
        device_users.anonymous_id,
        bit_xor({{ row_hash(['device_users.user_id', 'users.customer_key', 'users.is_deleted']) }}) as users_fingerprint
    from device_users
    left join identities as users
        on users.identifier_type = 'contact_id'
        and device_users.user_id = users.identifier
    group by device_users.anonymous_id

),

fingerprinted as (

    select
        device_messages.anonymous_id,
        {{ row_hash([
            'device_messages.messages',
            'device_messages.messages_fingerprint',
            'devices.customer_key',
            'devices.is_deleted',
            'users_fingerprints.users_fingerprint',
        ]) }} as fingerprint
    from device_messages
    left join identities as devices
        on devices.identifier_type = 'anonymous_id'
        and device_messages.anonymous_id = devices.identifier
    left join users_fingerprints
        on device_messages.anonymous_id = users_fingerprints.anonymous_id

)

{% if is_incremental() %}

select fingerprinted.anonymous_id, fingerprinted.fingerprint, {{ build_started_at() }} as changed_at
from fingerprinted
left join {{ this }} as known
    on fingerprinted.anonymous_id = known.anonymous_id
where known.fingerprint is distinct from fingerprinted.fingerprint

union all

select known.anonymous_id, cast(null as {{ row_hash_type() }}), {{ build_started_at() }}
from {{ this }} as known
where known.fingerprint is not null
    and not exists (select 1 from fingerprinted where fingerprinted.anonymous_id = known.anonymous_id)

{% else %}

select anonymous_id, fingerprint, {{ build_started_at() }} as changed_at
from fingerprinted

{% endif %}
