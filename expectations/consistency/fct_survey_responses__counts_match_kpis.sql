-- Survey responses per month and type agree with the KPI counts.
with responses as (
    select cast(date_trunc('month', submitted_at) as date) as month,
        count(*) filter (where survey_type = 'nps') as nps,
        count(*) filter (where survey_type = 'csat') as csat
    from marts.fct_survey_responses
    group by 1
)
select coalesce(k.month, r.month) as month, k.nps_responses, r.nps, k.csat_responses, r.csat
from marts.mart_cx_kpis_monthly as k
full join responses as r on k.month = r.month
where coalesce(k.nps_responses, 0) <> coalesce(r.nps, 0)
    or coalesce(k.csat_responses, 0) <> coalesce(r.csat, 0)
