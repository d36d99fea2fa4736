{#- The action list for the tools that act on customers (CRM tasks, marketing suppression lists):
    one row per known customer and action open at as_of. When several records trigger one action,
    the row names the latest (by triggered_at, then id; a contact that opened a case still open
    triggers twice with one id and time, and its reason is the contact's: the first reason in
    alphabetical order). "In the N days before as_of" is
    [as_of − N days, as_of).
    - follow_up_feedback: a follow-up open or overdue (fct_feedback_follow_ups); due 48 h after
      the response.
    - suppress_marketing: a contact with reason cancellation or complaint initiated in the 7 days
      before as_of, or a case open (at its opened_at); due at once.
    - win_back: the customer's last subscription cancelled in the 30 days before as_of and none
      active; due 7 days after the cancellation. -#}
with

customers as (

    select customer_key, persona, current_stage from {{ ref('dim_customers') }} where is_known

),

as_of as (

    select as_of from {{ ref('int_drops_summarised') }}

),

feedback_triggers as (

    select
        customer_key,
        'follow_up_feedback' as action,
        case survey_type when 'nps' then 'detractor_nps' else 'dissatisfied_csat' end as reason,
        response_id as trigger_id,
        submitted_at as triggered_at,
        {{ dbt.dateadd('hour', 48, 'submitted_at') }} as due_at
    from {{ ref('fct_feedback_follow_ups') }}
    where status in ('open', 'overdue')

),

contact_triggers as (

    select
        contacts.customer_key,
        'suppress_marketing' as action,
        case contacts.contact_reason when 'cancellation' then 'cancellation_contact' else 'complaint_contact' end
            as reason,
        contacts.contact_record_id as trigger_id,
        contacts.initiated_at as triggered_at,
        contacts.initiated_at as due_at
    from {{ ref('int_contact_centre_contacts_attributed') }} as contacts
    cross join as_of
    where contacts.contact_reason in ('cancellation', 'complaint')
        and contacts.initiated_at >= {{ dbt.dateadd('day', -7, 'as_of.as_of') }}
        and contacts.initiated_at < as_of.as_of

),

case_triggers as (

    select
        customer_key,
        'suppress_marketing' as action,
        'open_case' as reason,
        case_id as trigger_id,
        opened_at as triggered_at,
        opened_at as due_at
    from {{ ref('fct_support_cases') }}
    where status = 'open'

),

subscriptions as (

    select * from {{ ref('int_subscriptions_attributed') }}

),

active_at_as_of as (

    select distinct subscriptions.customer_key
    from subscriptions
    cross join as_of
    where subscriptions.started_at < as_of.as_of
        and (subscriptions.cancelled_at is null or subscriptions.cancelled_at >= as_of.as_of)

),

win_back_triggers as (

    select
        subscriptions.customer_key,
        'win_back' as action,
        'subscription_cancelled' as reason,
        subscriptions.subscription_id as trigger_id,
        subscriptions.cancelled_at as triggered_at,
        {{ dbt.dateadd('day', 7, 'subscriptions.cancelled_at') }} as due_at
    from subscriptions
    cross join as_of
    where subscriptions.cancelled_at >= {{ dbt.dateadd('day', -30, 'as_of.as_of') }}
        and subscriptions.cancelled_at < as_of.as_of
        and subscriptions.customer_key not in (select customer_key from active_at_as_of)

),

triggers as (

    select * from feedback_triggers
    union all
    select * from contact_triggers
    union all
    select * from case_triggers
    union all
    select * from win_back_triggers

),

ranked as (

    select
        *,
        row_number() over (
            partition by customer_key, action order by triggered_at desc, trigger_id desc, reason
        ) as recency_rank
    from triggers

)

select
    ranked.customer_key,
    ranked.action,
    ranked.reason,
    ranked.trigger_id,
    ranked.triggered_at,
    ranked.due_at,
    customers.persona,
    customers.current_stage
from ranked
inner join customers
    on ranked.customer_key = customers.customer_key
where ranked.recency_rank = 1
