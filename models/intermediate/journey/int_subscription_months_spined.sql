{#- One row per subscription and KPI month at whose start it was active (started before the month,
    not cancelled before it), and whether it was cancelled during that month: the rows the monthly
    churn rate counts. -#}
with

months as (

    select month from {{ ref('int_months_spined') }}

),

subscriptions as (

    select * from {{ ref('int_subscriptions_attributed') }}

)

{{ subscriptions_active_at_month_start('months', 'subscriptions') }}
