-- Every conversion of the journey gives credit under every model: rows returned are conversions and models without any.
with conversions as (
    select customer_key, entered_at as converted_at
    from marts.fct_customer_journey
    where stage = 'conversion'
),
models as (
    select distinct model from marts.fct_attribution_credits
)
select c.customer_key, c.converted_at, m.model
from conversions as c
cross join models as m
where not exists (
    select 1
    from marts.fct_attribution_credits as a
    where a.customer_key = c.customer_key and a.converted_at = c.converted_at and a.model = m.model
)
