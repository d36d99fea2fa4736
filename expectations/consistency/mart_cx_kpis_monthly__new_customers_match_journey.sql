-- New customers per month agree with conversion entries in the journey fact.
with conversions as (
    select cast(date_trunc('month', entered_at) as date) as month, count(*) as conversions
    from marts.fct_customer_journey
    where stage = 'conversion'
    group by 1
)
select k.month, k.new_customers, c.conversions
from marts.mart_cx_kpis_monthly as k
left join conversions as c on k.month = c.month
where k.new_customers <> coalesce(c.conversions, 0)
