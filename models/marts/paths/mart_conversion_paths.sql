{#- One row per path (the first six channel steps, then ' > …' when there are more): how many
    customers followed it, how many converted, and how long converting took them. -#}
with

paths as (

    select
        *,
        case
            when is_converted then
                cast(round({{ seconds_between('first_touch_at', 'converted_at') }} * 1000000) as bigint)
        end as microseconds_to_convert
    from {{ ref('int_customer_paths_collapsed') }}

),

per_path as (

    select
        path,
        path_length,
        count(*) as customers,
        sum(case when is_converted then 1 else 0 end) as converted_customers,
        {{ median('microseconds_to_convert') }} as median_microseconds_to_convert
    from paths
    group by path, path_length

)

select
    path,
    cast(path_length as integer) as path_length,
    cast(customers as bigint) as customers,
    cast(converted_customers as bigint) as converted_customers,
    {{ ratio_rounded('converted_customers', 'customers', 4, 5) }} as conversion_rate,
    {#- The median of whole microseconds is a whole or half number: twice it is exact. -#}
    {{ ratio_rounded('2 * median_microseconds_to_convert', '2 * 86400000000', 2, 10) }} as median_days_to_convert
from per_path
