{#- NPS and CSAT responses (first delivery) with their customer; responses of deleted contacts are gone.
    NPS: contact_id when set, else the email. CSAT: the customer of its contact record. -#}
with

nps as (

    select * from {{ ref('stg_crm__nps_responses') }}

),

csat as (

    select * from {{ ref('stg_contact_centre__csat_surveys') }}

),

identities as (

    select * from {{ ref('int_identities_stitched') }}

),

contact_centre as (

    select * from {{ ref('stg_contact_centre__contacts') }}

),

contact_centre_attributed as (

    select contact_record_id, customer_key
    from {{ ref('int_contact_centre_contacts_attributed') }}

),

nps_attributed as (

    select
        'nps' as survey_type,
        nps.response_id as survey_id,
        coalesce(
            by_id.customer_key,
            by_email.customer_key,
            {{ anonymous_key('nps_response', 'nps.response_id') }}
        ) as customer_key,
        coalesce(by_id.is_deleted, by_email.is_deleted, false) as is_deleted,
        nps.score,
        nps.submitted_at,
        cast(null as {{ dbt.type_string() }}) as contact_record_id
    from nps
    left join identities as by_id
        on by_id.identifier_type = 'contact_id'
        and nps.contact_id = by_id.identifier
    left join identities as by_email
        on by_email.identifier_type = 'email'
        and nps.contact_id is null
        and nps.email = by_email.identifier

),

csat_attributed as (

    select
        'csat' as survey_type,
        csat.survey_id,
        coalesce(
            contact_centre_attributed.customer_key,
            {{ anonymous_key('contact_record', 'csat.contact_record_id') }}
        ) as customer_key,
        {#- a survey of a contact record removed with a deleted contact is removed too -#}
        contact_centre.contact_record_id is not null
            and contact_centre_attributed.contact_record_id is null as is_deleted,
        csat.score,
        csat.submitted_at,
        csat.contact_record_id
    from csat
    left join contact_centre
        on csat.contact_record_id = contact_centre.contact_record_id
    left join contact_centre_attributed
        on csat.contact_record_id = contact_centre_attributed.contact_record_id

),

unioned as (

    select * from nps_attributed
    union all
    select * from csat_attributed

)

select survey_type, survey_id, customer_key, score, submitted_at, contact_record_id
from unioned
where not is_deleted
