-- Every customer's current stage is its last journey row.
select d.customer_key, d.current_stage, j.stage as journey_current_stage
from marts.dim_customers as d
left join marts.fct_customer_journey as j
    on d.customer_key = j.customer_key and j.is_current_stage
where j.stage is null or j.stage <> d.current_stage
