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
                ) }} as {{ type_double() }}
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
    cast(extract(epoch from ({{ finish }} - {{ start }})) as {{ type_double() }})
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

{#- The 8-byte floating-point type: double, double precision on PostgreSQL. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'customer_journey')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

{% macro postgres__type_double() -%}
    double precision
{%- endmacro %}

{#- Functions an engine lacks that the models use, created before each dbt invocation (on-run-start).
    PostgreSQL rounds numerics, not double precision, to a number of decimals: round(double, n)
    is DuckDB's there, the double times 10^n rounded half away from zero, divided by 10^n (so
    1026 s / 3600 = 0.28499999999999998 gives 0.28 on both). -#}
{% macro create_engine_functions() -%}
    {{ return(adapter.dispatch('create_engine_functions', 'customer_journey')()) }}
{%- endmacro %}

{% macro default__create_engine_functions() -%}
    select 1
{%- endmacro %}

{% macro postgres__create_engine_functions() -%}
    drop function if exists public.round(double precision, integer);
    create function public.round(value double precision, decimals integer) returns double precision
    language sql immutable strict parallel safe
    as 'select sign(value) * floor(abs(value) * power(10.0::float8, decimals) + 0.5) / power(10.0::float8, decimals)'
{%- endmacro %}

{% macro spark__seconds_between(start, finish) -%}
    cast(unix_micros(cast({{ finish }} as timestamp_ltz)) - unix_micros(cast({{ start }} as timestamp_ltz)) as double) / 1000000
{%- endmacro %}
