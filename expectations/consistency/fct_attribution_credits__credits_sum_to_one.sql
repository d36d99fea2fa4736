-- Per conversion and model the credits sum to 1: rows returned are conversions and models whose credits do not.
select customer_key, converted_at, model, sum(credit) as credits
from marts.fct_attribution_credits
group by customer_key, converted_at, model
having abs(sum(credit) - 1) > 1e-9
