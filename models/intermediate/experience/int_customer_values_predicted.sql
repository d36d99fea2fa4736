{#- Lifetime revenue and predicted customer lifetime value of every customer with an order or a
    subscription.

    expected_lifetime_months = 1 / the mean of the exact monthly churn rates (cancelled during the
    month / active at its start, months with none active left out, zero rates included) of the
    twelve KPI months ending with the month of the latest drop; 60 when that mean is 0 or there is
    no rate; at most 60.
    predicted_clv_eur = lifetime revenue + (MRR of the subscriptions active at as_of, in EUR at
    the rate of the latest seed month not after the latest drop's month) × expected lifetime
    months; an anonymous customer's is its lifetime revenue. The product is taken in decimals, the
    months to 12 places, so that a value lying exactly on half a cent rounds as the exact value does
    (MRR in EUR × 6.5 months in floating point falls just short of it). -#}
with

drops as (

    select latest_drop_date, as_of, {{ month_of('latest_drop_date') }} as last_month
    from {{ ref('int_drops_summarised') }}

),

months as (

    select month from {{ ref('int_months_spined') }}

),

subscriptions as (

    select * from {{ ref('int_subscriptions_attributed') }}

),

orders as (

    select * from {{ ref('int_orders_converted') }}

),

known as (

    select contact_id from {{ ref('int_contacts_current') }}

),

churn as (

    {{ churn_counts('months', 'subscriptions') }}

),

lifetime as (

    select
        case
            when coalesce(avg(cast(churn.cancelled_in_month as {{ type_double() }}) / churn.active_at_start), 0) = 0 then 60.0
            else least(60.0, 1.0 / avg(cast(churn.cancelled_in_month as {{ type_double() }}) / churn.active_at_start))
        end as expected_lifetime_months
    from drops
    left join churn
        on churn.month > {{ dbt.dateadd('month', -12, 'drops.last_month') }}
        and churn.month <= drops.last_month
        and churn.active_at_start > 0

),

latest_rates as (

    select currency, rate_to_eur
    from (
        select
            fx_rates.currency,
            fx_rates.rate_to_eur,
            row_number() over (partition by fx_rates.currency order by fx_rates.month desc) as rate_rank
        from {{ ref('fx_rates') }} as fx_rates
        cross join drops
        where fx_rates.month <= drops.last_month
    ) as ranked
    where rate_rank = 1

),

active_mrr as (

    select subscriptions.customer_key, sum(subscriptions.mrr * latest_rates.rate_to_eur) as active_mrr_eur
    from subscriptions
    cross join drops
    left join latest_rates
        on subscriptions.currency = latest_rates.currency
    where subscriptions.started_at < drops.as_of
        and (subscriptions.cancelled_at is null or subscriptions.cancelled_at >= drops.as_of)
    group by subscriptions.customer_key

),

revenue as (

    select orders.customer_key, sum({{ completed_revenue_eur('orders') }}) as lifetime_revenue_eur
    from orders
    group by orders.customer_key

),

customers as (

    select customer_key from revenue
    union
    select customer_key from subscriptions

)

select
    customers.customer_key,
    coalesce(revenue.lifetime_revenue_eur, 0) as lifetime_revenue_eur,
    coalesce(active_mrr.active_mrr_eur, 0) as active_mrr_eur,
    lifetime.expected_lifetime_months,
    case
        when known.contact_id is null then coalesce(revenue.lifetime_revenue_eur, 0)
        else coalesce(revenue.lifetime_revenue_eur, 0)
            + coalesce(active_mrr.active_mrr_eur, 0) * cast(lifetime.expected_lifetime_months as decimal(38, 12))
    end as predicted_clv_eur
from customers
cross join lifetime
left join revenue
    on customers.customer_key = revenue.customer_key
left join active_mrr
    on customers.customer_key = active_mrr.customer_key
left join known
    on customers.customer_key = known.contact_id
