-- Per month and model the unrounded attributed conversions equal the month's new_customers: rows returned are months and models that disagree.
with models as (
    select model from staging.attribution_models
),
attributed as (
    select cast(date_trunc('month', converted_at) as date) as month, model, sum(credit) as conversions
    from marts.fct_attribution_credits
    group by 1, 2
),
expected as (
    select k.month, m.model, k.new_customers
    from marts.mart_cx_kpis_monthly as k
    cross join models as m
)
select coalesce(e.month, a.month) as month, coalesce(e.model, a.model) as model, e.new_customers, a.conversions
from expected as e
full outer join attributed as a on e.month = a.month and e.model = a.model
where abs(coalesce(a.conversions, 0) - coalesce(e.new_customers, 0)) > 1e-6
