with

months as (

    select month from {{ ref('int_months_spined') }}

),

stages as (

    select stage, stage_order from {{ ref('journey_stages') }}

),

touchpoints as (

    select
        {{ month_of('occurred_at') }} as month,
        stage,
        touchpoint_id,
        touchpoint_type
    from {{ ref('fct_touchpoints') }}

),

contacts as (

    select
        'contact_centre:contact:' || contact_record_id as touchpoint_id,
        is_inbound and is_queued and is_answered and queue_wait_seconds is not null as has_wait,
        queue_wait_seconds
    from {{ ref('int_contact_centre_contacts_attributed') }}

),

surveys as (

    select
        case survey_type when 'nps' then 'crm:nps_response:' else 'contact_centre:csat:' end || survey_id
            as touchpoint_id,
        survey_type,
        score
    from {{ ref('int_surveys_attributed') }}

),

per_stage as (

    select
        touchpoints.month,
        touchpoints.stage,
        count(*) as touchpoints,
        sum(case when touchpoints.touchpoint_type = 'contact_centre_contact' then 1 else 0 end) as contacts,
        sum(case when contacts.has_wait then 1 else 0 end) as waited_contacts,
        sum(case when contacts.has_wait then cast(round(contacts.queue_wait_seconds * 1000) as bigint) else 0 end)
            as wait_milliseconds,
        sum(case when surveys.survey_type = 'csat' then 1 else 0 end) as csat_responses,
        sum(case when surveys.survey_type = 'csat' and surveys.score >= 4 then 1 else 0 end) as csat_satisfied,
        sum(case when surveys.survey_type = 'nps' then 1 else 0 end) as nps_responses,
        sum(case when surveys.survey_type = 'nps' and surveys.score >= 9 then 1 else 0 end) as promoters,
        sum(case when surveys.survey_type = 'nps' and surveys.score <= 6 then 1 else 0 end) as detractors
    from touchpoints
    left join contacts
        on touchpoints.touchpoint_id = contacts.touchpoint_id
    left join surveys
        on touchpoints.touchpoint_id = surveys.touchpoint_id
    group by touchpoints.month, touchpoints.stage

)

select
    months.month,
    stages.stage,
    stages.stage_order,
    cast(coalesce(per_stage.touchpoints, 0) as bigint) as touchpoints,
    cast(coalesce(per_stage.contacts, 0) as bigint) as contacts,
    {{ ratio_rounded('per_stage.wait_milliseconds', '1000 * per_stage.waited_contacts', 1, 12) }} as avg_wait_seconds,
    {{ ratio_rounded('100 * per_stage.csat_satisfied', 'per_stage.csat_responses', 1, 5) }} as csat_pct,
    {{ ratio_rounded('100 * (per_stage.promoters - per_stage.detractors)', 'per_stage.nps_responses', 1, 5) }}
        as nps
from months
cross join stages
left join per_stage
    on months.month = per_stage.month
    and stages.stage = per_stage.stage
