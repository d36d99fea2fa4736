-- Funnel counts agree with the journey fact: rows returned are cohort and stage pairs that disagree.
with cohorts as (
    select customer_key, cast(date_trunc('month', entered_at) as date) as cohort_month
    from marts.fct_customer_journey
    where stage = 'awareness'
),
reached as (
    select c.cohort_month, j.stage, count(*) as entered, count(j.next_stage) as progressed
    from marts.fct_customer_journey as j
    join cohorts as c on j.customer_key = c.customer_key
    group by 1, 2
)
select f.cohort_month, f.stage, f.customers_entered, r.entered, f.customers_progressed, r.progressed
from marts.mart_journey_funnel as f
left join reached as r on f.cohort_month = r.cohort_month and f.stage = r.stage
where f.customers_entered <> coalesce(r.entered, 0)
    or f.customers_progressed <> coalesce(r.progressed, 0)
