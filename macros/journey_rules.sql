{#- Business rules that several models apply: each is written here once. -#}

{#- A survey response's category: NPS promoter 9–10, passive 7–8, detractor 0–6; CSAT satisfied
    4–5, neutral 3, dissatisfied 1–2. -#}
{% macro survey_category(survey_type, score) -%}
    case
        when {{ survey_type }} = 'nps' then
            case when {{ score }} >= 9 then 'promoter' when {{ score }} >= 7 then 'passive' else 'detractor' end
        when {{ survey_type }} = 'csat' then
            case when {{ score }} >= 4 then 'satisfied' when {{ score }} = 3 then 'neutral' else 'dissatisfied' end
    end
{%- endmacro %}

{#- 1 when the survey response falls in `category`, else 0 (for sums). -#}
{% macro count_category(survey_type, score, category) -%}
    case when {{ survey_category(survey_type, score) }} = '{{ category }}' then 1 else 0 end
{%- endmacro %}

{#- Label of a sentiment score: positive from 0.05, negative to −0.05, neutral between. -#}
{% macro sentiment_label(score) -%}
    case
        when {{ score }} is null then null
        when {{ score }} >= 0.05 then 'positive'
        when {{ score }} <= -0.05 then 'negative'
        else 'neutral'
    end
{%- endmacro %}

{#- Revenue of an order: its EUR amount when completed, null otherwise (refunded and cancelled
    orders bring none). `orders` is an alias of int_orders_converted. -#}
{% macro completed_revenue_eur(orders) -%}
    case when {{ orders }}.status = 'completed' then {{ orders }}.amount_eur end
{%- endmacro %}

{#- Join condition: the stage row of `journey` (fct_customer_journey) whose [entered_at, exited_at)
    contains the moment `at` of the customer `customer_key`. An open interval ends at infinity; the
    plain comparison keeps this a hash join on customer_key. -#}
{% macro in_stage_at(journey, customer_key, at) -%}
    {{ journey }}.customer_key = {{ customer_key }}
    and {{ at }} >= {{ journey }}.entered_at
    and {{ at }} < coalesce({{ journey }}.exited_at, {{ timestamp_infinity() }})
{%- endmacro %}

{#- One row per subscription of `subscriptions` and month of `months` at whose start it was active
    (started before the month, not cancelled before it), with whether it was cancelled during the
    month: what the churn rate counts. -#}
{% macro subscriptions_active_at_month_start(months, subscriptions) -%}
    select
        months.month,
        subscriptions.subscription_id,
        subscriptions.customer_key,
        coalesce(subscriptions.cancelled_at < {{ dbt.dateadd('month', 1, 'months.month') }}, false)
            as is_cancelled_in_month
    from {{ months }} as months
    inner join {{ subscriptions }} as subscriptions
        on subscriptions.started_at < months.month
        and (subscriptions.cancelled_at is null or subscriptions.cancelled_at >= months.month)
{%- endmacro %}

{#- The churn rate's two counts per month of `months`: subscriptions active at its start and those of
    them cancelled during it. -#}
{% macro churn_counts(months, subscriptions) -%}
    select
        month,
        count(*) as active_at_start,
        sum(case when is_cancelled_in_month then 1 else 0 end) as cancelled_in_month
    from (
        {{ subscriptions_active_at_month_start(months, subscriptions) }}
    ) as subscription_months
    group by month
{%- endmacro %}

{#- A timestamp after every other: infinity, or the last microsecond of 9999 on Spark (which has no
    infinite timestamps). -#}
{% macro timestamp_infinity() -%}
    {{ return(adapter.dispatch('timestamp_infinity', 'customer_journey')()) }}
{%- endmacro %}

{% macro default__timestamp_infinity() -%}
    cast('infinity' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro spark__timestamp_infinity() -%}
    cast('9999-12-31 23:59:59.999999' as {{ dbt.type_timestamp() }})
{%- endmacro %}
