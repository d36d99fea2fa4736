with

touchpoints as (

    select * from {{ ref('int_touchpoints_unioned') }}

),

contacts as (

    select * from {{ ref('int_contacts_current') }}

),

journey as (

    select * from {{ ref('fct_customer_journey') }}

),

customers as (

    select customer_key, min(occurred_at) as first_seen_at
    from touchpoints
    group by customer_key

),

current_stages as (

    select customer_key, stage as current_stage from journey where is_current_stage

),

conversions as (

    select customer_key, entered_at as converted_at from journey where stage = 'conversion'

),

subscription_status as (

    select
        customer_key,
        max(cancelled_at) as last_cancelled_at,
        sum(case when cancelled_at is null then 1 else 0 end) as active_subscriptions
    from {{ ref('int_subscriptions_attributed') }}
    group by customer_key

),

revenue as (

    select customer_key, lifetime_revenue_eur, predicted_clv_eur
    from {{ ref('int_customer_values_predicted') }}

),

latest_nps as (

    select customer_key, score as latest_nps_score
    from (
        select
            customer_key,
            score,
            row_number() over (partition by customer_key order by submitted_at desc, survey_id desc) as response_rank
        from {{ ref('int_surveys_attributed') }}
        where survey_type = 'nps'
    ) as ranked
    where response_rank = 1

)

select
    customers.customer_key,
    contacts.contact_id is not null as is_known,
    case when contacts.email is not null then {{ sha256_hex('contacts.email') }} end as email_sha256,
    contacts.country,
    contacts.original_source,
    contacts.lifecycle_stage,
    case
        when contacts.contact_id is null then 'anonymous'
        else coalesce(contacts.persona, 'unassigned')
    end as persona,
    current_stages.current_stage,
    customers.first_seen_at,
    conversions.converted_at,
    case when subscription_status.active_subscriptions = 0 then subscription_status.last_cancelled_at end
        as churned_at,
    cast(round(coalesce(revenue.lifetime_revenue_eur, 0), 2) as decimal(18, 2)) as lifetime_revenue_eur,
    latest_nps.latest_nps_score,
    cast(round(coalesce(revenue.predicted_clv_eur, 0), 2) as decimal(18, 2)) as predicted_clv_eur
from customers
left join contacts
    on customers.customer_key = contacts.contact_id
left join current_stages
    on customers.customer_key = current_stages.customer_key
left join conversions
    on customers.customer_key = conversions.customer_key
left join subscription_status
    on customers.customer_key = subscription_status.customer_key
left join revenue
    on customers.customer_key = revenue.customer_key
left join latest_nps
    on customers.customer_key = latest_nps.customer_key
