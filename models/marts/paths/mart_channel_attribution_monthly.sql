{#- Attributed conversions and revenue per month of conversion, model and channel. The sums of
    the unrounded credits are rounded half away from zero: first to 12 decimals, which removes
    the binary floating-point error of the sum, then to 4 (conversions) or 2 (revenue). -#}
with

credits as (

    select * from {{ ref('fct_attribution_credits') }}

)

select
    {{ month_of('converted_at') }} as month,
    model,
    channel,
    cast(round(cast(round(sum(credit), 12) as decimal(38, 12)), 4) as decimal(18, 4)) as conversions,
    cast(round(cast(round(sum(revenue_eur), 8) as decimal(38, 8)), 2) as decimal(18, 2)) as revenue_eur
from credits
group by {{ month_of('converted_at') }}, model, channel
