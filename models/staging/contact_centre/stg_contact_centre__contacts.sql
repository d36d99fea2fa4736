with

source as (

    select * from {{ source('contact_centre', 'contacts') }}

),

renamed as (

    select
        contact_id as contact_record_id,
        {{ json_text('payload', '$.InitialContactId') }} as initial_contact_record_id,
        {{ json_text('payload', '$.PreviousContactId') }} as previous_contact_record_id,
        upper(trim(channel)) as channel,
        upper(trim(initiation_method)) as initiation_method,
        {{ to_utc('initiation_timestamp') }} as initiated_at,
        {{ to_utc('disconnect_timestamp') }} as disconnected_at,
        upper({{ json_text('payload', '$.CustomerEndpoint.Type') }}) as endpoint_type,
        {{ json_text('payload', '$.CustomerEndpoint.Address') }} as endpoint_address,
        {{ json_text('payload', '$.Queue') }} is not null
            and {{ json_text('payload', '$.Queue') }} <> 'null' as is_queued,
        {{ json_text('payload', '$.Queue.Name') }} as queue_name,
        {{ to_utc('enqueue_timestamp') }} as enqueued_at,
        {{ to_utc('dequeue_timestamp') }} as dequeued_at,
        {{ dbt.safe_cast(json_text('payload', '$.Queue.Duration'), dbt.type_float()) }} as queue_wait_seconds,
        {{ json_text('payload', '$.Agent') }} is not null
            and {{ json_text('payload', '$.Agent') }} <> 'null' as is_answered,
        {{ to_utc('connected_to_agent_timestamp') }} as connected_to_agent_at,
        {{ dbt.safe_cast(json_text('payload', '$.Agent.AgentInteractionDuration'), dbt.type_float()) }}
            as agent_interaction_seconds,
        {{ json_text('payload', '$.DisconnectReason') }} as disconnect_reason,
        nullif(trim({{ json_text('payload', '$.Attributes.contact_reason') }}), '') as contact_reason,
        {{ to_bool(json_text('payload', '$.Attributes.resolved')) }} as is_resolved,
        row_number() over (partition by contact_id order by {{ delivered_first() }}) as delivery_rank,
        _drop_date,
        _file,
        _line_number
    from source

),

normalised as (

    select
        renamed.*,
        case when endpoint_type = 'TELEPHONE_NUMBER' then {{ e164_from_endpoint('endpoint_address') }} end
            as endpoint_phone_e164,
        case when endpoint_type = 'EMAIL_ADDRESS' then {{ normalise_email('endpoint_address') }} end
            as endpoint_email
    from renamed
    where delivery_rank = 1

)

select
    contact_record_id,
    initial_contact_record_id,
    previous_contact_record_id,
    channel,
    initiation_method,
    initiated_at,
    disconnected_at,
    endpoint_type,
    endpoint_phone_e164,
    endpoint_email,
    is_queued,
    queue_name,
    enqueued_at,
    dequeued_at,
    queue_wait_seconds,
    is_answered,
    connected_to_agent_at,
    agent_interaction_seconds,
    disconnect_reason,
    contact_reason,
    is_resolved,
    _drop_date,
    _file,
    _line_number
from normalised
