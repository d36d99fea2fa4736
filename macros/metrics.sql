{#- Ratio of two whole numbers rounded half away from zero to `decimals`, computed exactly in
    integer arithmetic (no binary floating point on the way). Null when the denominator is 0. -#}
{% macro ratio_rounded(numerator, denominator, decimals, precision=18) -%}
    case
        when coalesce({{ denominator }}, 0) = 0 then null
        else cast(
            cast(
                sign({{ numerator }}) * {{ int_div(
                    '2 * abs(cast(' ~ numerator ~ ' as bigint)) * ' ~ (10 ** decimals) ~ ' + cast(' ~ denominator ~ ' as bigint)',
                    '2 * cast(' ~ denominator ~ ' as bigint)'
                ) }} as double
            ) / {{ 10 ** decimals }}
            as decimal({{ precision }}, {{ decimals }})
        )
    end
{%- endmacro %}

{% macro int_div(a, b) -%}
    {{ return(adapter.dispatch('int_div', 'customer_journey')(a, b)) }}
{%- endmacro %}

{% macro default__int_div(a, b) -%}
    (({{ a }}) / ({{ b }}))
{%- endmacro %}

{% macro duckdb__int_div(a, b) -%}
    (({{ a }}) // ({{ b }}))
{%- endmacro %}

{% macro spark__int_div(a, b) -%}
    (({{ a }}) div ({{ b }}))
{%- endmacro %}

{#- Seconds between two timestamps, as a fractional number. -#}
{% macro seconds_between(start, finish) -%}
    {{ return(adapter.dispatch('seconds_between', 'customer_journey')(start, finish)) }}
{%- endmacro %}

{% macro default__seconds_between(start, finish) -%}
    extract(epoch from ({{ finish }} - {{ start }}))
{%- endmacro %}

{% macro duckdb__seconds_between(start, finish) -%}
    (epoch_us({{ finish }}) - epoch_us({{ start }})) / 1000000.0
{%- endmacro %}

{#- First day of the month of a timestamp, as a date. -#}
{% macro month_of(column) -%}
    cast({{ dbt.date_trunc('month', column) }} as date)
{%- endmacro %}

{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'customer_journey')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}
