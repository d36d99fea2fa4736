{{
    config(
        materialized='incremental',
        unique_key=['survey_type', 'response_id'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_customers() }}",
    )
}}
{#- Closing the loop: every detractor NPS response (score 0–6) and dissatisfied CSAT response
    (score 1–2) of a known customer, and the first OUTBOUND or CALLBACK contact with that
    customer initiated after it. closed: within 48 hours (inclusive); late: after 48 hours;
    open: none yet, submitted at most 48 hours before as_of; overdue: none, older.
    Incremental by customer: a build redoes the customers changed since the last one
    (int_customers_fingerprinted), and those with a response not followed up whose status may
    have moved with as_of (open, or submitted in the 48 hours before as_of). -#}
-- depends_on: {{ ref('int_customers_fingerprinted') }}
with

{% if is_incremental() -%}
rebuilt as (

    select customer_key from {{ changed_customers() }} as changed
    union
    select kept.customer_key
    from {{ this }} as kept
    cross join {{ ref('int_drops_summarised') }} as drops
    where kept.followed_up_at is null
        and (kept.status = 'open' or kept.submitted_at >= {{ dbt.dateadd('hour', -48, 'drops.as_of') }})

),

{% endif -%}

responses as (

    select survey_type, survey_id as response_id, customer_key, submitted_at
    from {{ ref('int_surveys_attributed') }}
    where {{ survey_category('survey_type', 'score') }} in ('detractor', 'dissatisfied')
        {%- if is_incremental() %}
        and customer_key in (select customer_key from rebuilt)
        {%- endif %}

),

known_customers as (

    select customer_key from {{ ref('dim_customers') }} where is_known
    {%- if is_incremental() %}
    and customer_key in (select customer_key from rebuilt)
    {%- endif %}

),

follow_up_contacts as (

    select customer_key, initiated_at
    from {{ ref('int_contact_centre_contacts_attributed') }}
    where initiation_method in ('OUTBOUND', 'CALLBACK')
        {%- if is_incremental() %}
        and customer_key in (select customer_key from rebuilt)
        {%- endif %}

),

as_of as (

    select as_of from {{ ref('int_drops_summarised') }}

),

followed as (

    select
        responses.survey_type,
        responses.response_id,
        min(follow_up_contacts.initiated_at) as followed_up_at
    from responses
    inner join follow_up_contacts
        on responses.customer_key = follow_up_contacts.customer_key
        and follow_up_contacts.initiated_at > responses.submitted_at
    group by responses.survey_type, responses.response_id

),

measured as (

    select
        responses.response_id,
        responses.survey_type,
        responses.customer_key,
        responses.submitted_at,
        followed.followed_up_at,
        cast(round({{ seconds_between('responses.submitted_at', 'followed.followed_up_at') }} * 1000000) as bigint)
            as microseconds_to_follow_up,
        cast(round({{ seconds_between('responses.submitted_at', 'as_of.as_of') }} * 1000000) as bigint)
            as microseconds_to_as_of
    from responses
    inner join known_customers
        on responses.customer_key = known_customers.customer_key
    cross join as_of
    left join followed
        on responses.survey_type = followed.survey_type
        and responses.response_id = followed.response_id

)

select
    response_id,
    survey_type,
    customer_key,
    submitted_at,
    followed_up_at,
    {{ ratio_rounded('microseconds_to_follow_up', '3600000000', 2, 12) }} as hours_to_follow_up,
    case
        when followed_up_at is not null and microseconds_to_follow_up <= 48 * 3600000000 then 'closed'
        when followed_up_at is not null then 'late'
        when microseconds_to_as_of <= 48 * 3600000000 then 'open'
        else 'overdue'
    end as status
from measured
