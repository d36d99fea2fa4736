{#- A customer's stage entries never go back in time as the stage order rises, and each
    stage is exited when the next reached stage is entered. -#}
{% test entries_monotonic(model) %}
with ordered as (
    select
        customer_key,
        stage_order,
        entered_at,
        exited_at,
        lag(entered_at) over (partition by customer_key order by stage_order) as previous_entered_at,
        lead(entered_at) over (partition by customer_key order by stage_order) as next_entered_at
    from {{ model }}
)
select *
from ordered
where entered_at < previous_entered_at
    or (next_entered_at is null and exited_at is not null)
    or (next_entered_at is not null and (exited_at is null or exited_at <> next_entered_at))
{% endtest %}
