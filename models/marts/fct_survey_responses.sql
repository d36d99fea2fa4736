{#- Every counted NPS and CSAT response with its category, the respondent's stage when it was
    submitted, the sentiment of its comment (NPS; the comment itself stays out of the marts) and
    whether the respondent was waiting on a support case at the time. -#}
with

surveys as (

    select * from {{ ref('int_surveys_attributed') }}

),

sentiment as (

    select * from {{ ref('int_nps_comments_scored') }}

),

journey as (

    select * from {{ ref('fct_customer_journey') }}

),

cases as (

    select * from {{ ref('fct_support_cases') }}

),

during_open_case as (

    select distinct surveys.survey_type, surveys.survey_id
    from surveys
    inner join cases
        on surveys.customer_key = cases.customer_key
        and cases.opened_at < surveys.submitted_at
        and (cases.resolved_at is null or cases.resolved_at > surveys.submitted_at)

)

select
    surveys.survey_id as response_id,
    surveys.survey_type,
    surveys.customer_key,
    surveys.submitted_at,
    surveys.score,
    {{ survey_category('surveys.survey_type', 'surveys.score') }} as category,
    journey.stage,
    sentiment.sentiment_score,
    {{ sentiment_label('sentiment.sentiment_score') }} as sentiment_label,
    during_open_case.survey_id is not null as during_open_case
from surveys
left join sentiment
    on surveys.survey_type = 'nps'
    and surveys.survey_id = sentiment.response_id
left join journey
    on {{ in_stage_at('journey', 'surveys.customer_key', 'surveys.submitted_at') }}
left join during_open_case
    on surveys.survey_type = during_open_case.survey_type
    and surveys.survey_id = during_open_case.survey_id
