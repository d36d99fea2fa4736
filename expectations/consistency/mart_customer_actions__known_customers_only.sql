-- Every action names a known customer of dim_customers, with its persona and current stage: rows returned are actions that do not.
select a.customer_key, a.action, a.persona, a.current_stage, c.is_known
from marts.mart_customer_actions as a
left join marts.dim_customers as c on a.customer_key = c.customer_key
where c.customer_key is null
    or not c.is_known
    or a.persona is distinct from c.persona
    or a.current_stage is distinct from c.current_stage
