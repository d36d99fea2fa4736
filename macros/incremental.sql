{#- Incremental builds.

    ops.model_builds logs every successful model build (on-run-end). An incremental model asks
    when it was last built, and rebuilds what changed upstream since then: the raw drops reloaded
    since (raw.load_log), the devices whose events or identity changed since
    (int_web_devices.changed_at), or the customers whose touchpoints, stages, orders, surveys or
    contacts changed since (int_customers_fingerprinted.changed_at). A failed or partial build logs nothing for the models it did not
    build, so the next build picks up everything they missed. -#}

{% macro create_build_log() -%}
    {%- do run_query('create schema if not exists ops') -%}
    create table if not exists ops.model_builds (
        model {{ dbt.type_string() }},
        run_started_at {{ dbt.type_timestamp() }},
        invocation_id {{ dbt.type_string() }},
        full_refresh {{ dbt.type_boolean() }}
    )
{%- endmacro %}

{% macro record_model_builds(results) -%}
    {%- set built = [] -%}
    {%- if execute -%}
        {%- for result in results -%}
            {%- if result.node.resource_type == 'model' and result.status == 'success' -%}
                {%- do built.append(result.node.name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if built -%}
        insert into ops.model_builds
        select model, {{ build_started_at() }}, '{{ invocation_id }}', {{ 'true' if flags.FULL_REFRESH else 'false' }}
        from (values {% for name in built %}('{{ name }}'){{ ',' if not loop.last }}{% endfor %}) as built(model)
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{% macro build_started_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro last_built_at() -%}
    {#- When the current model was last built successfully; -infinity when never. -#}
    (
        select coalesce(max(run_started_at), cast('-infinity' as {{ dbt.type_timestamp() }}))
        from ops.model_builds
        where model = '{{ this.identifier }}'
    )
{%- endmacro %}

{% macro first_changed_drop(source_name) -%}
    {#- The earliest drop of a source reloaded since the current model was last built, as an ISO
        date string, or none when none was. The var from_drop (set by the orchestration from the
        partitions of a run) moves it further back, never forward. -#}
    {%- set load_log = source('ingestion', 'load_log') -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select cast(min(drop_date) as {{ dbt.type_string() }})
        from {{ load_log }}
        where source = '{{ source_name }}' and loaded_at >= {{ last_built_at() }}
    {%- endset -%}
    {%- set found = run_query(query).columns[0].values()[0] -%}
    {%- set forced = var('from_drop', none) -%}
    {%- set candidates = [found, forced] | reject('none') | list -%}
    {{ return(candidates | min if candidates else none) }}
{%- endmacro %}

{% macro changed_devices() -%}
    {#- Devices whose events or identity changed since the current model was last built. -#}
    (
        select anonymous_id from {{ ref('int_web_devices') }}
        where changed_at > {{ last_built_at() }}
    )
{%- endmacro %}

{% macro delete_changed_devices() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where anonymous_id in {{ changed_devices() }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{% macro delete_from_changed_drops(source_name) -%}
    {%- set from_drop = first_changed_drop(source_name) if is_incremental() else none -%}
    {%- if from_drop -%}
        delete from {{ this }} where _drop_date >= cast('{{ from_drop }}' as date)
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{% macro changed_customers() -%}
    {#- Customers whose paths, attribution or follow-ups may have changed since the current model
        was last built: their inputs changed, they were merged into another customer or deleted,
        or a web device they have messages on was rebuilt. -#}
    (
        select customer_key from {{ ref('int_customers_fingerprinted') }}
        where changed_at > {{ last_built_at() }}
    )
{%- endmacro %}

{% macro delete_changed_customers() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where customer_key in {{ changed_customers() }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- A 64-bit hash of a row of values (nulls included), to fingerprint what a model was built from:
    DuckDB's hash, PostgreSQL's hash of the row's text, Spark's xxhash64. Engines differ in the
    values but each compares only with its own. -#}
{% macro row_hash(expressions) -%}
    {{ return(adapter.dispatch('row_hash', 'customer_journey')(expressions)) }}
{%- endmacro %}

{% macro default__row_hash(expressions) -%}
    hash({{ expressions | join(', ') }})
{%- endmacro %}

{% macro postgres__row_hash(expressions) -%}
    hashtextextended(cast(row({{ expressions | join(', ') }}) as text), 0)
{%- endmacro %}

{% macro spark__row_hash(expressions) -%}
    xxhash64({{ expressions | join(', ') }})
{%- endmacro %}

{#- The type of row_hash. -#}
{% macro row_hash_type() -%}
    {{ return(adapter.dispatch('row_hash_type', 'customer_journey')()) }}
{%- endmacro %}

{% macro default__row_hash_type() -%}
    bigint
{%- endmacro %}

{% macro duckdb__row_hash_type() -%}
    ubigint
{%- endmacro %}
