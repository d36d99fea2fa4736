{#- Every identifier seen in the sources, resolved to the customer it belongs to.
    identifier_type: contact_id (a CRM contact id or web userId), email, phone, anonymous_id. -#}
with

contacts as (

    select contact_id, email, phone_e164, created_at, is_deleted
    from {{ ref('stg_crm__contacts') }}
    where is_current

),

web_events as (

    select * from {{ ref('stg_web__events') }}
    where not is_bot

),

contact_centre as (

    select * from {{ ref('stg_contact_centre__contacts') }}

),

email_owners as (

    select email, contact_id
    from (
        select
            email,
            contact_id,
            row_number() over (partition by email order by created_at, contact_id) as owner_rank
        from contacts
        where email is not null
    ) as ranked
    where owner_rank = 1

),

phone_owners as (

    select phone_e164, contact_id
    from (
        select
            phone_e164,
            contact_id,
            row_number() over (partition by phone_e164 order by created_at, contact_id) as owner_rank
        from contacts
        where phone_e164 is not null
    ) as ranked
    where owner_rank = 1

),

referenced_contact_ids as (

    select contact_id as identifier from contacts
    union
    select user_id from web_events where user_id is not null
    union
    select contact_id from {{ ref('stg_crm__deals') }} where is_current
    union
    select contact_id from {{ ref('stg_crm__orders') }} where is_current
    union
    select contact_id from {{ ref('stg_crm__subscriptions') }} where is_current
    union
    select contact_id from {{ ref('stg_crm__nps_responses') }} where contact_id is not null

),

by_contact_id as (

    select
        'contact_id' as identifier_type,
        referenced.identifier,
        coalesce(contacts.contact_id, {{ anonymous_key('user', 'referenced.identifier') }}) as customer_key,
        contacts.contact_id,
        coalesce(contacts.is_deleted, false) as is_deleted
    from referenced_contact_ids as referenced
    left join contacts
        on referenced.identifier = contacts.contact_id

),

referenced_emails as (

    select email as identifier from {{ ref('stg_crm__nps_responses') }} where email is not null
    union
    select endpoint_email from contact_centre where endpoint_email is not null

),

by_email as (

    select
        'email' as identifier_type,
        referenced.identifier,
        coalesce(contacts.contact_id, {{ anonymous_key('email', 'referenced.identifier') }}) as customer_key,
        contacts.contact_id,
        coalesce(contacts.is_deleted, false) as is_deleted
    from referenced_emails as referenced
    left join email_owners
        on referenced.identifier = email_owners.email
    left join contacts
        on email_owners.contact_id = contacts.contact_id

),

by_phone as (

    select
        'phone' as identifier_type,
        referenced.endpoint_phone_e164 as identifier,
        coalesce(contacts.contact_id, {{ anonymous_key('phone', 'referenced.endpoint_phone_e164') }})
            as customer_key,
        contacts.contact_id,
        coalesce(contacts.is_deleted, false) as is_deleted
    from (
        select distinct endpoint_phone_e164 from contact_centre where endpoint_phone_e164 is not null
    ) as referenced
    left join phone_owners
        on referenced.endpoint_phone_e164 = phone_owners.phone_e164
    left join contacts
        on phone_owners.contact_id = contacts.contact_id

),

device_links as (

    select
        web_events.anonymous_id,
        web_events.occurred_at,
        web_events.message_id,
        coalesce(web_events.user_id, email_owners.contact_id) as linked_contact_id
    from web_events
    -- only an identify call links its device through its email; the condition sits in the join
    -- key (not beside it) so that the join stays an equi-join
    left join email_owners
        on case when web_events.message_type = 'identify' then web_events.traits_email end = email_owners.email
    where web_events.user_id is not null
        or email_owners.contact_id is not null

),

first_device_links as (

    select anonymous_id, linked_contact_id
    from (
        select
            anonymous_id,
            linked_contact_id,
            row_number() over (partition by anonymous_id order by occurred_at, message_id) as link_rank
        from device_links
    ) as ranked
    where link_rank = 1

),

by_device as (

    select
        'anonymous_id' as identifier_type,
        devices.anonymous_id as identifier,
        coalesce(by_contact_id.customer_key, {{ anonymous_key('device', 'devices.anonymous_id') }})
            as customer_key,
        by_contact_id.contact_id,
        coalesce(by_contact_id.is_deleted, false) as is_deleted
    from (select distinct anonymous_id from web_events) as devices
    left join first_device_links
        on devices.anonymous_id = first_device_links.anonymous_id
    left join by_contact_id
        on first_device_links.linked_contact_id = by_contact_id.identifier

),

unioned as (

    select * from by_contact_id
    union all
    select * from by_email
    union all
    select * from by_phone
    union all
    select * from by_device

)

select
    identifier_type,
    identifier,
    customer_key,
    contact_id,
    contact_id is not null as is_known,
    is_deleted
from unioned
