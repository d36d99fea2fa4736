-- Cases opened per month agree with the support cases fact.
with cases as (
    select cast(date_trunc('month', opened_at) as date) as month, count(*) as cases
    from marts.fct_support_cases
    group by 1
)
select k.month, k.cases_opened, c.cases
from marts.mart_cx_kpis_monthly as k
full join cases as c on k.month = c.month
where coalesce(k.cases_opened, 0) <> coalesce(c.cases, 0)
