{#- Current version of every deal, with its customer; deals of deleted contacts are gone. -#}
with

deals as (

    select * from {{ ref('stg_crm__deals') }} where is_current

),

identities as (

    select * from {{ ref('int_identities_stitched') }} where identifier_type = 'contact_id'

)

select
    deals.deal_id,
    identities.customer_key,
    deals.deal_stage,
    deals.amount,
    deals.currency,
    deals.created_at,
    deals.closed_at
from deals
inner join identities
    on deals.contact_id = identities.identifier
where not identities.is_deleted
