{#- The journey per persona: for each persona present in dim_customers and each of the five
    stages, how many entered and progressed (over all cohorts), how long they stayed, how much
    they interacted, and what they felt and waited while in the stage. -#}
with

customers as (

    select customer_key, persona from {{ ref('dim_customers') }}

),

personas as (

    select distinct persona from customers

),

stages as (

    select stage, stage_order from {{ ref('journey_stages') }}

),

journey as (

    select
        customers.persona,
        fct_customer_journey.*
    from {{ ref('fct_customer_journey') }} as fct_customer_journey
    inner join customers
        on fct_customer_journey.customer_key = customers.customer_key

),

per_stage as (

    select
        persona,
        stage,
        count(*) as customers_entered,
        sum(case when next_stage is not null then 1 else 0 end) as customers_progressed,
        {{ median('days_in_stage') }} as median_days_in_stage,
        sum(touchpoints_in_stage) as touchpoints
    from journey
    group by persona, stage

),

surveys as (

    select
        customers.persona,
        responses.stage,
        sum(case when responses.survey_type = 'nps' then 1 else 0 end) as nps_responses,
        sum({{ count_category('responses.survey_type', 'responses.score', 'promoter') }}) as promoters,
        sum({{ count_category('responses.survey_type', 'responses.score', 'detractor') }}) as detractors,
        sum(case when responses.survey_type = 'csat' then 1 else 0 end) as csat_responses,
        sum({{ count_category('responses.survey_type', 'responses.score', 'satisfied') }}) as csat_satisfied
    from {{ ref('fct_survey_responses') }} as responses
    inner join customers
        on responses.customer_key = customers.customer_key
    group by customers.persona, responses.stage

),

waits as (

    select
        customers.persona,
        journey.stage,
        count(*) as waited_contacts,
        sum(cast(round(contacts.queue_wait_seconds * 1000) as bigint)) as wait_milliseconds
    from {{ ref('int_contact_centre_contacts_attributed') }} as contacts
    inner join customers
        on contacts.customer_key = customers.customer_key
    inner join {{ ref('fct_customer_journey') }} as journey
        on {{ in_stage_at('journey', 'contacts.customer_key', 'contacts.initiated_at') }}
    where contacts.is_inbound and contacts.is_queued and contacts.is_answered
        and contacts.queue_wait_seconds is not null
    group by customers.persona, journey.stage

)

select
    personas.persona,
    stages.stage,
    stages.stage_order,
    cast(coalesce(per_stage.customers_entered, 0) as bigint) as customers_entered,
    cast(coalesce(per_stage.customers_progressed, 0) as bigint) as customers_progressed,
    {{ ratio_rounded('per_stage.customers_progressed', 'per_stage.customers_entered', 4, 5) }} as progression_rate,
    cast(round(per_stage.median_days_in_stage, 2) as decimal(10, 2)) as median_days_in_stage,
    {{ ratio_rounded('per_stage.touchpoints', 'per_stage.customers_entered', 2, 12) }} as touchpoints_per_customer,
    {{ ratio_rounded('100 * (surveys.promoters - surveys.detractors)', 'surveys.nps_responses', 1, 5) }} as nps,
    {{ ratio_rounded('100 * surveys.csat_satisfied', 'surveys.csat_responses', 1, 5) }} as csat_pct,
    {{ ratio_rounded('waits.wait_milliseconds', '1000 * waits.waited_contacts', 1, 12) }} as avg_wait_seconds
from personas
cross join stages
left join per_stage
    on personas.persona = per_stage.persona
    and stages.stage = per_stage.stage
left join surveys
    on personas.persona = surveys.persona
    and stages.stage = surveys.stage
left join waits
    on personas.persona = waits.persona
    and stages.stage = waits.stage
