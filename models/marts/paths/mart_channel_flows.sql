{#- Channel-to-channel flows for a Sankey diagram. Step 1 goes from '(start)' to the first
    channel, step k (2..6) from the (k−1)th channel to the kth, and the step after the last kept
    channel (the m-th, m <= 6) to '(conversion)' or '(no conversion)'. A converted customer with
    an empty path goes from '(start)' to '(conversion)' at step 1. At every node (step, name),
    customers in equal customers out. -#}
with

steps as (

    select
        customer_key,
        step_number,
        channel,
        lag(channel) over (partition by customer_key order by step_number) as previous_channel
    from {{ ref('int_channel_steps_collapsed') }}
    where step_number <= 6

),

paths as (

    select * from {{ ref('int_customer_paths_collapsed') }}

),

edges as (

    select
        customer_key,
        step_number as step,
        coalesce(previous_channel, '(start)') as from_node,
        channel as to_node
    from steps
    union all
    select
        customer_key,
        path_length + 1 as step,
        coalesce(last_shown_channel, '(start)') as from_node,
        case when is_converted then '(conversion)' else '(no conversion)' end as to_node
    from paths

)

select
    cast(step as integer) as step,
    from_node,
    to_node,
    cast(count(*) as bigint) as customers
from edges
group by step, from_node, to_node
