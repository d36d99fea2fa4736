-- For each stage, the customers entered summed over personas equal the funnel's summed over cohorts.
with personas as (
    select stage, sum(customers_entered) as entered, sum(customers_progressed) as progressed
    from marts.mart_persona_journey
    group by stage
),
funnel as (
    select stage, sum(customers_entered) as entered, sum(customers_progressed) as progressed
    from marts.mart_journey_funnel
    group by stage
)
select coalesce(p.stage, f.stage) as stage, p.entered, f.entered as funnel_entered,
    p.progressed, f.progressed as funnel_progressed
from personas as p
full join funnel as f on p.stage = f.stage
where coalesce(p.entered, 0) <> coalesce(f.entered, 0)
    or coalesce(p.progressed, 0) <> coalesce(f.progressed, 0)
