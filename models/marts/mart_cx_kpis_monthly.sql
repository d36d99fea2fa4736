with

months as (

    select month from {{ ref('int_months_spined') }}

),

surveys as (

    select
        {{ month_of('submitted_at') }} as month,
        survey_type,
        score
    from {{ ref('int_surveys_attributed') }}

),

survey_counts as (

    select
        month,
        sum(case when survey_type = 'nps' then 1 else 0 end) as nps_responses,
        sum({{ count_category('survey_type', 'score', 'promoter') }}) as promoters,
        sum({{ count_category('survey_type', 'score', 'detractor') }}) as detractors,
        sum(case when survey_type = 'csat' then 1 else 0 end) as csat_responses,
        sum({{ count_category('survey_type', 'score', 'satisfied') }}) as csat_satisfied,
        sum(case when survey_type = 'csat' then score else 0 end) as csat_score_sum
    from surveys
    group by month

),

contacts as (

    select
        {{ month_of('initiated_at') }} as month,
        *
    from {{ ref('int_contact_centre_contacts_attributed') }}
    where is_inbound

),

contact_counts as (

    select
        month,
        sum(case when is_answered then 1 else 0 end) as answered_contacts,
        sum(case when is_queued then 1 else 0 end) as queued_contacts,
        sum(case when is_queued and not is_answered then 1 else 0 end) as abandoned_contacts,
        sum(case when is_queued and is_answered and queue_wait_seconds is not null then 1 else 0 end)
            as waited_contacts,
        sum(case when is_queued and is_answered then cast(round(queue_wait_seconds * 1000) as bigint) else 0 end)
            as wait_milliseconds,
        sum(case when is_first_contact_resolved then 1 else 0 end) as first_contact_resolved
    from contacts
    group by month

),

conversions as (

    select {{ month_of('entered_at') }} as month, count(*) as new_customers
    from {{ ref('fct_customer_journey') }}
    where stage = 'conversion'
    group by {{ month_of('entered_at') }}

),

subscriptions as (

    select * from {{ ref('int_subscriptions_attributed') }}

),

churn as (

    {{ churn_counts('months', 'subscriptions') }}

),

cases as (

    select
        {{ month_of('opened_at') }} as month,
        count(*) as cases_opened,
        sum(contacts) as case_contacts,
        sum(case when is_resolved then 1 else 0 end) as cases_resolved
    from {{ ref('fct_support_cases') }}
    group by {{ month_of('opened_at') }}

),

follow_ups as (

    select
        {{ month_of('submitted_at') }} as month,
        count(*) as follow_ups,
        sum(case when status = 'closed' then 1 else 0 end) as closed_follow_ups
    from {{ ref('fct_feedback_follow_ups') }}
    group by {{ month_of('submitted_at') }}

),

responses as (

    select
        {{ month_of('submitted_at') }} as month,
        count(*) as responses,
        sum(case when during_open_case then 1 else 0 end) as during_open_case
    from {{ ref('fct_survey_responses') }}
    group by {{ month_of('submitted_at') }}

),

revenue as (

    select {{ month_of('orders.ordered_at') }} as month, sum({{ completed_revenue_eur('orders') }}) as net_revenue_eur
    from {{ ref('int_orders_converted') }} as orders
    group by {{ month_of('orders.ordered_at') }}

)

select
    months.month,
    {{ ratio_rounded('100 * (survey_counts.promoters - survey_counts.detractors)', 'survey_counts.nps_responses', 1, 5) }}
        as nps,
    cast(coalesce(survey_counts.nps_responses, 0) as bigint) as nps_responses,
    {{ ratio_rounded('100 * survey_counts.csat_satisfied', 'survey_counts.csat_responses', 1, 5) }} as csat_pct,
    {{ ratio_rounded('survey_counts.csat_score_sum', 'survey_counts.csat_responses', 2, 5) }} as csat_avg,
    cast(coalesce(survey_counts.csat_responses, 0) as bigint) as csat_responses,
    cast(coalesce(contact_counts.answered_contacts, 0) as bigint) as answered_contacts,
    {{ ratio_rounded('contact_counts.abandoned_contacts', 'contact_counts.queued_contacts', 4, 5) }}
        as abandonment_rate,
    {{ ratio_rounded('contact_counts.wait_milliseconds', '1000 * contact_counts.waited_contacts', 1, 12) }}
        as avg_wait_seconds,
    {{ ratio_rounded('contact_counts.first_contact_resolved', 'contact_counts.answered_contacts', 4, 5) }}
        as fcr_rate,
    cast(coalesce(conversions.new_customers, 0) as bigint) as new_customers,
    {{ ratio_rounded('churn.cancelled_in_month', 'churn.active_at_start', 4, 5) }} as churn_rate,
    cast(round(coalesce(revenue.net_revenue_eur, 0), 2) as decimal(18, 2)) as net_revenue_eur,
    cast(coalesce(cases.cases_opened, 0) as bigint) as cases_opened,
    {{ ratio_rounded('cases.case_contacts', 'cases.cases_opened', 2, 12) }} as contacts_per_case,
    {{ ratio_rounded('cases.cases_resolved', 'cases.cases_opened', 4, 5) }} as case_resolution_rate,
    {{ ratio_rounded('follow_ups.closed_follow_ups', 'follow_ups.follow_ups', 4, 5) }} as follow_up_48h_rate,
    {{ ratio_rounded('responses.during_open_case', 'responses.responses', 4, 5) }} as surveys_during_open_case_rate
from months
left join survey_counts
    on months.month = survey_counts.month
left join contact_counts
    on months.month = contact_counts.month
left join conversions
    on months.month = conversions.month
left join churn
    on months.month = churn.month
left join revenue
    on months.month = revenue.month
left join cases
    on months.month = cases.month
left join follow_ups
    on months.month = follow_ups.month
left join responses
    on months.month = responses.month
