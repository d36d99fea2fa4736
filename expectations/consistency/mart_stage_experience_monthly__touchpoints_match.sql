-- Touchpoints per month and stage agree with the touchpoint fact.
with touches as (
    select cast(date_trunc('month', occurred_at) as date) as month, stage, count(*) as touchpoints
    from marts.fct_touchpoints
    group by 1, 2
)
select e.month, e.stage, e.touchpoints, t.touchpoints as fact_touchpoints
from marts.mart_stage_experience_monthly as e
left join touches as t on e.month = t.month and e.stage = t.stage
where e.touchpoints <> coalesce(t.touchpoints, 0)
