{#- Every month from the first month with a touchpoint to the month of the latest drop, contiguous. -#}
with

bounds as (

    select
        (select min({{ month_of('occurred_at') }}) from {{ ref('int_touchpoints_unioned') }}) as first_month,
        {{ month_of('latest_drop_date') }} as last_month
    from {{ ref('int_drops_summarised') }}

),

digits as (

    select 0 as d union all select 1 union all select 2 union all select 3 union all select 4
    union all select 5 union all select 6 union all select 7 union all select 8 union all select 9

),

offsets as (

    select hundreds.d * 100 + tens.d * 10 + units.d as month_offset
    from digits as hundreds
    cross join digits as tens
    cross join digits as units

)

select cast({{ dbt.dateadd('month', 'offsets.month_offset', 'bounds.first_month') }} as date) as month
from bounds
cross join offsets
where offsets.month_offset <= {{ dbt.datediff('bounds.first_month', 'bounds.last_month', 'month') }}
