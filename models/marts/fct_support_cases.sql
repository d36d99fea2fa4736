{#- Support cases: the service journeys that run alongside the buying journey.

    A case is a run of one customer's INBOUND contacts with the same contact_reason (contacts
    with other reasons in between do not break it), each starting at most 168 hours (start to
    start, inclusive) after the previous contact of the run. A TRANSFER or CALLBACK contact joins
    the case of the contact its InitialContactId names (an inbound contact, or a transfer or
    callback, of the same customer) and counts in its contacts, channels, wait and last contact
    without extending the chain; otherwise it opens a case of its own with its own reason. A
    contact without a reason is a case of its own, reason unknown. OUTBOUND and API contacts are
    not part of cases. -#}
with

contacts as (

    select * from {{ ref('int_contact_centre_contacts_attributed') }}

),

journey as (

    select * from {{ ref('fct_customer_journey') }}

),

as_of as (

    select as_of from {{ ref('int_drops_summarised') }}

),

csat as (

    select contact_record_id, score from {{ ref('int_surveys_attributed') }} where survey_type = 'csat'

),

inbound as (

    select
        contact_record_id,
        customer_key,
        contact_reason,
        initiated_at,
        lag(initiated_at) over (
            partition by customer_key, contact_reason order by initiated_at, contact_record_id
        ) as previous_initiated_at
    from contacts
    where initiation_method = 'INBOUND'

),

inbound_runs as (

    select
        inbound.*,
        sum(
            case
                when contact_reason is null or previous_initiated_at is null then 1
                when initiated_at > {{ dbt.dateadd('hour', 168, 'previous_initiated_at') }} then 1
                else 0
            end
        ) over (
            partition by customer_key, contact_reason order by initiated_at, contact_record_id
            rows between unbounded preceding and current row
        ) as run_number
    from inbound

),

inbound_cases as (

    select
        contact_record_id,
        customer_key,
        first_value(contact_record_id) over (
            partition by customer_key, contact_reason, run_number order by initiated_at, contact_record_id
        ) as case_id
    from inbound_runs

),

followers as (

    select * from contacts where initiation_method in ('TRANSFER', 'CALLBACK')

),

{#- A transfer or callback whose initial contact is an inbound contact of the same customer joins
    its case; otherwise it opens its own. -#}
follower_cases as (

    select
        followers.contact_record_id,
        followers.customer_key,
        followers.initial_contact_record_id,
        coalesce(inbound_cases.case_id, followers.contact_record_id) as case_id
    from followers
    left join inbound_cases
        on followers.initial_contact_record_id = inbound_cases.contact_record_id
        and followers.customer_key = inbound_cases.customer_key

),

{#- One more step along InitialContactId: a transfer whose initial contact is itself a transfer or
    callback of the same customer joins that contact's case. -#}
case_members as (

    select contact_record_id, case_id from inbound_cases
    union all
    select
        follower_cases.contact_record_id,
        case
            when follower_cases.case_id <> follower_cases.contact_record_id then follower_cases.case_id
            else coalesce(initial_follower.case_id, follower_cases.case_id)
        end as case_id
    from follower_cases
    left join follower_cases as initial_follower
        on follower_cases.initial_contact_record_id = initial_follower.contact_record_id
        and follower_cases.customer_key = initial_follower.customer_key
        and follower_cases.contact_record_id <> initial_follower.contact_record_id

),

members as (

    select
        case_members.case_id,
        contacts.*,
        row_number() over (
            partition by case_members.case_id order by contacts.initiated_at desc, contacts.contact_record_id desc
        ) as recency_rank
    from case_members
    inner join contacts
        on case_members.contact_record_id = contacts.contact_record_id

),

case_channels as (

    select case_id, {{ dbt.listagg('touch_channel', "','", 'order by touch_channel') }} as channels
    from (select distinct case_id, touch_channel from members where touch_channel in ('phone', 'chat', 'email'))
        as distinct_channels
    group by case_id

),

case_csat as (

    select members.case_id, count(*) as csat_responses, sum(csat.score) as csat_score_sum
    from members
    inner join csat
        on members.contact_record_id = csat.contact_record_id
    group by members.case_id

),

case_totals as (

    select
        case_id,
        count(*) as contacts,
        sum(coalesce(queue_wait_seconds, 0)) as total_wait_seconds
    from members
    group by case_id

),

cases as (

    select
        opener.case_id,
        opener.customer_key,
        coalesce(opener.contact_reason, 'unknown') as contact_reason,
        opener.initiated_at as opened_at,
        last_contact.initiated_at as last_contact_at,
        case_totals.contacts,
        coalesce(case_channels.channels, '') as channels,
        opener.touch_channel as first_channel,
        coalesce(last_contact.is_resolved, false) as is_resolved,
        case when coalesce(last_contact.is_resolved, false) then last_contact.disconnected_at end as resolved_at,
        case_totals.total_wait_seconds,
        case_csat.csat_responses,
        case_csat.csat_score_sum
    from members as opener
    inner join members as last_contact
        on opener.case_id = last_contact.case_id
        and last_contact.recency_rank = 1
    inner join case_totals
        on opener.case_id = case_totals.case_id
    left join case_channels
        on opener.case_id = case_channels.case_id
    left join case_csat
        on opener.case_id = case_csat.case_id
    where opener.contact_record_id = opener.case_id

)

select
    cases.case_id,
    cases.customer_key,
    cases.contact_reason,
    cases.opened_at,
    cases.last_contact_at,
    cast(cases.contacts as bigint) as contacts,
    cases.channels,
    cases.first_channel,
    cases.is_resolved,
    cases.resolved_at,
    {{ ratio_rounded(
        'cast(round(' ~ seconds_between('cases.opened_at', 'cases.resolved_at') ~ ' * 1000000) as bigint)',
        '3600000000', 2, 12
    ) }} as hours_to_resolution,
    cases.contacts = 1 and cases.is_resolved as is_one_touch,
    cast(cases.total_wait_seconds as {{ type_double() }}) as total_wait_seconds,
    {{ ratio_rounded('cases.csat_score_sum', 'cases.csat_responses', 2, 5) }} as csat_avg,
    journey.stage as stage_at_open,
    case
        when cases.is_resolved then 'resolved'
        when cases.last_contact_at >= {{ dbt.dateadd('hour', -168, 'as_of.as_of') }} then 'open'
        else 'unresolved'
    end as status
from cases
cross join as_of
left join journey
    on {{ in_stage_at('journey', 'cases.customer_key', 'cases.opened_at') }}
