{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_devices() }}",
    )
}}
{#- Sessions: runs of one device's counted page/track messages with no gap over 30 minutes
    (a gap of exactly 30 minutes continues the session). A session belongs to its device's
    customer (the contact the device was first linked to), even when one of its messages carries
    another userId: the messages keep their own customer as touchpoints. A session of a device
    whose customer is deleted is gone, and a deleted contact's messages are in no session.
    Incremental by device: a build redoes every session of the devices whose
    messages or identities changed since the last one, so a late message, however late, lands in
    the session it belongs to. -#}
-- depends_on: {{ ref('int_web_devices') }}
with

events as (

    select * from {{ ref('int_web_events_attributed') }}
    {%- if is_incremental() %}
    where anonymous_id in {{ changed_devices() }}
    {%- endif %}

),

devices as (

    select identifier as anonymous_id, customer_key, is_deleted
    from {{ ref('int_identities_stitched') }}
    where identifier_type = 'anonymous_id'

),

gaps as (

    select
        *,
        lag(occurred_at) over (partition by anonymous_id order by occurred_at, message_id) as previous_at
    from events

),

numbered as (

    select
        *,
        sum(
            case
                when previous_at is null
                    or occurred_at > {{ dbt.dateadd('minute', 30, 'previous_at') }} then 1
                else 0
            end
        ) over (
            partition by anonymous_id order by occurred_at, message_id rows between unbounded preceding and current row
        ) as session_number
    from gaps

),

ordered as (

    select
        *,
        row_number() over (
            partition by anonymous_id, session_number order by occurred_at, message_id
        ) as position_in_session,
        row_number() over (
            partition by anonymous_id, session_number, message_type order by occurred_at, message_id
        ) as position_in_type
    from numbered

),

sessions as (

    select
        anonymous_id || ':' || cast(session_number as {{ dbt.type_string() }}) as session_id,
        anonymous_id,
        min(occurred_at) as started_at,
        max(occurred_at) as ended_at,
        sum(case when message_type = 'page' then 1 else 0 end) as page_views,
        sum(case when message_type = 'track' then 1 else 0 end) as events,
        max(case when message_type = 'page' and position_in_type = 1 then page_path end) as landing_path,
        max(case when position_in_session = 1 then utm_source end) as utm_source,
        max(case when position_in_session = 1 then utm_medium end) as utm_medium,
        max(case when position_in_session = 1 then utm_campaign end) as utm_campaign
    from ordered
    group by anonymous_id, session_number

)

select
    sessions.session_id,
    devices.customer_key,
    sessions.anonymous_id,
    sessions.started_at,
    sessions.ended_at,
    sessions.page_views,
    sessions.events,
    sessions.landing_path,
    sessions.utm_source,
    sessions.utm_medium,
    sessions.utm_campaign
from sessions
inner join devices
    on sessions.anonymous_id = devices.anonymous_id
where not devices.is_deleted
