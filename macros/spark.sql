{#- The Spark engine (dbt-spark, plain Parquet tables: no Delta or Iceberg). -#}

{#- Spark's Parquet tables take no DELETE, MERGE or delete+insert: on Spark an incremental model is
    rebuilt whole at every build, as a table (its SQL sees is_incremental() false, so it selects
    everything); on DuckDB and PostgreSQL nothing changes. -#}
{% materialization incremental, adapter='spark' %}
    {{ return(materialization_table_spark()) }}
{% endmaterialization %}

{% macro is_incremental() -%}
    {%- if target.type == 'spark' -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(dbt.is_incremental()) }}
{%- endmacro %}

{#- Before each dbt invocation on Spark: the raw tables the handoff wrote as Parquet
    (orchestration/handoff.py, into JOURNEY_SPARK_DIR/raw/<table>) become the tables of schema raw,
    every source of the project and the comments' sentiment; re-registered each time, so the
    catalog follows the files. (Spark runs one statement per call: each goes through run_query.) -#}
{% macro spark__create_engine_functions() -%}
    {%- set folder = env_var('JOURNEY_SPARK_DIR', 'data/spark') ~ '/raw/' -%}
    {%- set tables = ['comment_sentiment'] -%}
    {%- if execute -%}
        {%- for source in graph.sources.values() if source.schema == 'raw' -%}
            {%- do tables.append(source.identifier) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do run_query('create schema if not exists raw') -%}
    {%- for table in tables | unique | sort -%}
        {%- do run_query('drop table if exists raw.' ~ table) -%}
        {%- do run_query("create table raw." ~ table ~ " using parquet location '" ~ folder ~ table ~ "'") -%}
    {%- endfor -%}
    select 1
{%- endmacro %}

{#- Model contracts name their column types as DuckDB and PostgreSQL spell them (varchar, text,
    double precision), which Spark does not parse: the types are checked there. On Spark the
    contract still orders the columns, and the engine tests compare every mart's column types with
    DuckDB's. -#}
{% macro spark__get_assert_columns_equivalent(sql) -%}
    {{ return('') }}
{%- endmacro %}

{#- Seeds on Spark: dbt-spark's session method fills the values of its seed inserts in as text,
    nulls as 'None' and quotes unescaped; here each value is a literal, escaped, and null is null. -#}
{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
                    {%- set value = row[loop.index0] -%}
                    {%- if value is none -%}
                        cast(null as {{ type }})
                    {%- else -%}
                        cast('{{ (value | string).replace("\\", "\\\\").replace("'", "\\'") }}' as {{ type }})
                    {%- endif -%}
                    {{- ',' if not loop.last -}}
                {%- endfor -%}){{ ',' if not loop.last }}
            {% endfor %}
        {%- endset -%}
        {%- do run_query(sql) -%}
        {%- do statements.append(sql) -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{%- endmacro %}

{#- dbt-spark's listagg ignores its order: here the values are sorted by the order's expression (one,
    ascending), then by value. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if order_by_clause -%}
        {%- set key = order_by_clause | trim | replace('order by ', '') | trim -%}
        array_join(transform(array_sort(collect_list(named_struct('k', {{ key }}, 'v', {{ measure }}))), x -> x.v), {{ delimiter_text }})
    {%- else -%}
        array_join(collect_list({{ measure }}), {{ delimiter_text }})
    {%- endif -%}
{%- endmacro %}

{#- dbt-spark's dateadd goes through Unix seconds (losing microseconds, and null on timestamps
    without a time zone): Spark's own timestampadd adds calendar units, months clamped at their
    end like DuckDB's and PostgreSQL's intervals. -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, cast({{ interval }} as int), cast({{ from_date_or_timestamp }} as timestamp))
{%- endmacro %}
