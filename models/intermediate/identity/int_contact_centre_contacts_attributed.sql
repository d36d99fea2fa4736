{#- Contact trace records (first delivery) with their customer and first-contact resolution.
    A contact is first-contact resolved when it was answered, inbound, marked resolved, and no
    other inbound contact of the same customer with the same reason started strictly after it and
    at most 7 days (168 hours) after it. Contacts of deleted contacts are gone. -#}
with

contacts as (

    select * from {{ ref('stg_contact_centre__contacts') }}

),

identities as (

    select * from {{ ref('int_identities_stitched') }}

),

attributed as (

    select
        contacts.*,
        coalesce(
            by_phone.customer_key,
            by_email.customer_key,
            {{ anonymous_key('contact_record', 'contacts.contact_record_id') }}
        ) as customer_key,
        coalesce(by_phone.is_deleted, by_email.is_deleted, false) as is_deleted,
        coalesce(contacts.initiation_method = 'INBOUND', false) as is_inbound
    from contacts
    left join identities as by_phone
        on by_phone.identifier_type = 'phone'
        and contacts.endpoint_phone_e164 = by_phone.identifier
    left join identities as by_email
        on by_email.identifier_type = 'email'
        and contacts.endpoint_email = by_email.identifier

),

kept as (

    select * from attributed where not is_deleted

),

repeats as (

    select distinct first_contact.contact_record_id
    from kept as first_contact
    inner join kept as repeat_contact
        on first_contact.customer_key = repeat_contact.customer_key
        and first_contact.contact_reason = repeat_contact.contact_reason
        and repeat_contact.is_inbound
        and repeat_contact.contact_record_id <> first_contact.contact_record_id
        and repeat_contact.initiated_at > first_contact.initiated_at
        and repeat_contact.initiated_at <= {{ dbt.dateadd('hour', 168, 'first_contact.initiated_at') }}
    where first_contact.is_inbound

)

select
    kept.contact_record_id,
    kept.initial_contact_record_id,
    kept.customer_key,
    kept.channel,
    case kept.channel when 'VOICE' then 'phone' when 'CHAT' then 'chat' when 'EMAIL' then 'email' else 'other' end
        as touch_channel,
    kept.initiation_method,
    kept.is_inbound,
    kept.initiated_at,
    kept.disconnected_at,
    kept.is_queued,
    kept.is_answered,
    kept.queue_wait_seconds,
    kept.contact_reason,
    kept.is_resolved,
    kept.is_inbound and coalesce(kept.is_answered, false) and coalesce(kept.is_resolved, false)
        and repeats.contact_record_id is null as is_first_contact_resolved
from kept
left join repeats
    on kept.contact_record_id = repeats.contact_record_id
