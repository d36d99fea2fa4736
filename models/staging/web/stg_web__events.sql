{{ config(materialized='table') }}

with

source as (

    select * from {{ source('web', 'events') }}

),

bot_patterns as (

    select lower(pattern) as pattern from {{ ref('bot_user_agent_patterns') }}

),

renamed as (

    select
        message_id,
        lower(trim(type)) as message_type,
        anonymous_id,
        nullif(trim(user_id), '') as user_id,
        event as event_name,
        name as page_name,
        {{ to_utc('timestamp') }} as occurred_at,
        {{ to_utc('received_at') }} as received_at,
        coalesce(
            {{ json_text('payload', '$.properties.path') }},
            {{ json_text('payload', '$.context.page.path') }}
        ) as page_path,
        {{ json_text('payload', '$.context.page.referrer') }} as referrer,
        {{ json_text('payload', '$.context.campaign.source') }} as utm_source,
        {{ json_text('payload', '$.context.campaign.medium') }} as utm_medium,
        {{ json_text('payload', '$.context.campaign.name') }} as utm_campaign,
        {{ json_text('payload', '$.context.userAgent') }} as user_agent,
        {{ normalise_email(json_text('payload', '$.traits.email')) }} as traits_email,
        {{ json_text('payload', '$.properties.order_id') }} as order_id,
        {{ json_text('payload', '$.properties.rating') }} as rating_raw,
        row_number() over (partition by message_id order by {{ delivered_first() }}) as delivery_rank,
        _drop_date,
        _file,
        _line_number
    from source

),

flagged as (

    select
        renamed.*,
        exists (
            select 1 from bot_patterns
            where strpos(lower(coalesce(renamed.user_agent, '')), bot_patterns.pattern) > 0
        ) as is_bot
    from renamed
    where delivery_rank = 1

)

select
    message_id,
    message_type,
    anonymous_id,
    user_id,
    event_name,
    page_name,
    occurred_at,
    received_at,
    page_path,
    referrer,
    utm_source,
    utm_medium,
    utm_campaign,
    order_id,
    {{ dbt.safe_cast('rating_raw', dbt.type_float()) }} as rating,
    traits_email,
    is_bot,
    _drop_date,
    _file,
    _line_number
from flagged
