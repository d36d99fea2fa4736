{#- Current version of every subscription, with its customer; those of deleted contacts are gone. -#}
with

subscriptions as (

    select * from {{ ref('stg_crm__subscriptions') }} where is_current

),

identities as (

    select * from {{ ref('int_identities_stitched') }} where identifier_type = 'contact_id'

)

select
    subscriptions.subscription_id,
    identities.customer_key,
    subscriptions.plan,
    subscriptions.mrr,
    subscriptions.currency,
    subscriptions.started_at,
    subscriptions.cancelled_at
from subscriptions
inner join identities
    on subscriptions.contact_id = identities.identifier
where not identities.is_deleted
