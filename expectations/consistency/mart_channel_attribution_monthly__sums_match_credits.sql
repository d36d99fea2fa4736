-- The monthly conversions are the rounded sums of the credits: rows returned are months, models and channels off by more than the rounding.
with credits as (
    select cast(date_trunc('month', converted_at) as date) as month, model, channel, sum(credit) as conversions
    from marts.fct_attribution_credits
    group by 1, 2, 3
)
select coalesce(m.month, c.month) as month, coalesce(m.model, c.model) as model,
    coalesce(m.channel, c.channel) as channel, m.conversions, c.conversions as credits
from marts.mart_channel_attribution_monthly as m
full outer join credits as c on m.month = c.month and m.model = c.model and m.channel = c.channel
where m.conversions is null or c.conversions is null or abs(cast(m.conversions as double) - c.conversions) > 0.00005 + 1e-9
