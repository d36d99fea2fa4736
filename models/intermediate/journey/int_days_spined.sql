{#- The semantic layer's time spine: one row per UTC calendar day from the earliest plausible
    timestamp of the raw contract (var earliest_timestamp) to the end of 2099. MetricFlow joins
    metrics to it to fill and offset time; it is built here, nothing is downloaded. -#}
with

days as (

    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('earliest_timestamp') ~ "' as date)",
        "cast('2100-01-01' as date)"
    ) }}

)

select cast(date_day as date) as date_day
from days
