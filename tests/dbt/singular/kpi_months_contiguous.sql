{#- KPI months run without a gap from the first to the last. -#}
with months as (
    select month, lag(month) over (order by month) as previous_month
    from {{ ref('mart_cx_kpis_monthly') }}
)
select *
from months
where previous_month is not null
    and month <> cast({{ dbt.dateadd('month', 1, 'previous_month') }} as date)
