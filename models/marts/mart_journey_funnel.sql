with

journey as (

    select * from {{ ref('fct_customer_journey') }}

),

stages as (

    select stage, stage_order from {{ ref('journey_stages') }}

),

cohorts as (

    select customer_key, {{ month_of('entered_at') }} as cohort_month
    from journey
    where stage = 'awareness'

),

cohort_months as (

    select distinct cohort_month from cohorts

),

reached as (

    select
        cohorts.cohort_month,
        journey.stage,
        journey.customer_key,
        journey.next_stage is not null as has_progressed,
        case
            when journey.next_stage is not null
                then {{ seconds_between('journey.entered_at', 'journey.exited_at') }} / 86400.0
        end as days_to_progress
    from journey
    inner join cohorts
        on journey.customer_key = cohorts.customer_key

),

per_stage as (

    select
        cohort_month,
        stage,
        count(*) as customers_entered,
        sum(case when has_progressed then 1 else 0 end) as customers_progressed,
        {{ median('days_to_progress') }} as median_days_to_progress
    from reached
    group by cohort_month, stage

)

select
    cohort_months.cohort_month,
    stages.stage,
    stages.stage_order,
    cast(coalesce(per_stage.customers_entered, 0) as bigint) as customers_entered,
    cast(coalesce(per_stage.customers_progressed, 0) as bigint) as customers_progressed,
    {{ ratio_rounded('per_stage.customers_progressed', 'per_stage.customers_entered', 4, 5) }} as progression_rate,
    cast(round(per_stage.median_days_to_progress, 2) as decimal(10, 2)) as median_days_to_progress
from cohort_months
cross join stages
left join per_stage
    on cohort_months.cohort_month = per_stage.cohort_month
    and stages.stage = per_stage.stage
