{#- Current version of every order, with its customer and its amount in EUR at the seed rate of
    its currency and month. Orders of deleted contacts are gone. -#}
with

orders as (

    select * from {{ ref('stg_crm__orders') }} where is_current

),

identities as (

    select * from {{ ref('int_identities_stitched') }} where identifier_type = 'contact_id'

),

fx_rates as (

    select * from {{ ref('fx_rates') }}

)

select
    orders.order_id,
    identities.customer_key,
    orders.ordered_at,
    orders.status,
    orders.status in ('completed', 'refunded') as is_placed,
    orders.amount,
    orders.currency,
    fx_rates.rate_to_eur,
    orders.amount * fx_rates.rate_to_eur as amount_eur
from orders
inner join identities
    on orders.contact_id = identities.identifier
left join fx_rates
    on orders.currency = fx_rates.currency
    and cast({{ dbt.date_trunc('month', 'orders.ordered_at') }} as date) = fx_rates.month
where not identities.is_deleted
