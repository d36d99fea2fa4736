{#- None of the columns is ever null: one scan of the model for all of them. A failing row names
    a column and how many of its rows are null. -#}
{% test not_null_columns(model, columns) %}
with null_rows as (
    select
        {%- for column in columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as null_{{ loop.index }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}
)
{%- for column in columns %}
select '{{ column }}' as column_name, null_{{ loop.index }} as null_rows from null_rows where null_{{ loop.index }} > 0
{{ "union all" if not loop.last }}
{%- endfor %}
{% endtest %}
