-- Entry times never go back as the stage order rises; rows returned break the rule.
select customer_key, stage, entered_at, previous_entered_at
from (
    select customer_key, stage, entered_at,
           lag(entered_at) over (partition by customer_key order by stage_order) as previous_entered_at
    from marts.fct_customer_journey
) as ordered
where entered_at < previous_entered_at
