-- No month is missing between the first and the last KPI month: rows returned are gaps.
select month, previous_month
from (
    select month, lag(month) over (order by month) as previous_month
    from marts.mart_cx_kpis_monthly
) as months
where previous_month is not null
    and month <> previous_month + interval 1 month
