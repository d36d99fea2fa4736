-- Every customer follows one path: rows returned are totals of the paths that differ from the customers and conversions of the journey.
with paths as (
    select coalesce(sum(customers), 0) as customers, coalesce(sum(converted_customers), 0) as converted
    from marts.mart_conversion_paths
),
journey as (
    select count(*) as customers, count(converted_at) as converted from marts.dim_customers
)
select p.customers, j.customers as journey_customers, p.converted, j.converted as journey_converted
from paths as p
cross join journey as j
where p.customers <> j.customers or p.converted <> j.converted
