-- At every node (step, name) customers in equal customers out; every customer leaves (start) and reaches one terminal node: rows returned are nodes that do not balance.
with flows as (
    select * from marts.mart_channel_flows
),
inflow as (
    select step, to_node as node, sum(customers) as customers_in
    from flows
    where to_node not in ('(conversion)', '(no conversion)')
    group by 1, 2
),
outflow as (
    select step - 1 as step, from_node as node, sum(customers) as customers_out
    from flows
    where from_node <> '(start)'
    group by 1, 2
),
inner_nodes as (
    select coalesce(i.step, o.step) as step, coalesce(i.node, o.node) as node,
        coalesce(i.customers_in, 0) as customers_in, coalesce(o.customers_out, 0) as customers_out
    from inflow as i
    full outer join outflow as o on i.step = o.step and i.node = o.node
),
customers as (
    select
        count(*) as customers,
        count(c.converted_at) as converted
    from marts.dim_customers as c
),
ends as (
    select 0 as step, '(start)' as node, customers.customers as customers_in,
        (select coalesce(sum(customers), 0) from flows where from_node = '(start)') as customers_out
    from customers
    union all
    select null, '(conversion)', (select coalesce(sum(customers), 0) from flows where to_node = '(conversion)'),
        customers.converted
    from customers
    union all
    select null, '(no conversion)', (select coalesce(sum(customers), 0) from flows where to_node = '(no conversion)'),
        customers.customers - customers.converted
    from customers
)
select * from inner_nodes where customers_in <> customers_out
union all
select * from ends where customers_in <> customers_out
