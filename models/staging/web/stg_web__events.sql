{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_from_changed_drops('web') }}",
    )
}}
{#- Incremental by drop: a build reparses only the drops reloaded since the last one (and every
    later drop, so that a message's first delivery stays the earliest one). -#}
{%- set from_drop = first_changed_drop('web') if is_incremental() else none %}

with

source as (

    select * from {{ source('web', 'events') }}
    {%- if is_incremental() %}
    where _drop_date >= {{ "cast('" ~ from_drop ~ "' as date)" if from_drop else 'null' }}
    {%- endif %}

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
            where position(bot_patterns.pattern in lower(coalesce(renamed.user_agent, ''))) > 0
        ) as is_bot
    from renamed
    where delivery_rank = 1
    {%- if is_incremental() %}
        -- the rows left in this table are from earlier drops: their deliveries come first
        and not exists (select 1 from {{ this }} as kept where kept.message_id = renamed.message_id)
    {%- endif %}

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
