-- Monthly survey counts agree with the touchpoints: rows returned are months that disagree.
with touches as (
    select
        cast(date_trunc('month', occurred_at) as date) as month,
        count(*) filter (where touchpoint_type = 'nps_response') as nps_touchpoints,
        count(*) filter (where touchpoint_type = 'csat_response') as csat_touchpoints
    from marts.fct_touchpoints
    group by 1
)
select k.month, k.nps_responses, t.nps_touchpoints, k.csat_responses, t.csat_touchpoints
from marts.mart_cx_kpis_monthly as k
left join touches as t on k.month = t.month
where k.nps_responses <> coalesce(t.nps_touchpoints, 0)
    or k.csat_responses <> coalesce(t.csat_touchpoints, 0)
