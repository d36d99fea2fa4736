{#- Cleaning shared by the staging models. Engine differences go through adapter.dispatch. -#}

{% macro normalise_email(column) -%}
    nullif(lower(trim({{ column }})), '')
{%- endmacro %}

{% macro to_utc(column) -%}
    {{ return(adapter.dispatch('to_utc', 'customer_journey')(column)) }}
{%- endmacro %}

{% macro default__to_utc(column) -%}
    cast(cast(nullif(trim({{ column }}), '') as {{ dbt.type_timestamp() }} with time zone) at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__to_utc(column) -%}
    timezone('UTC', cast(nullif(trim({{ column }}), '') as timestamptz))
{%- endmacro %}

{% macro to_bool(column) -%}
    case lower(trim({{ column }})) when 'true' then true when 'false' then false end
{%- endmacro %}

{#- Amounts: the type ingestion checks every amount fits (var amount_type). -#}
{% macro to_number(column) -%}
    cast(nullif(trim({{ column }}), '') as {{ var('amount_type') }})
{%- endmacro %}

{% macro to_int(column) -%}
    cast(nullif(trim({{ column }}), '') as integer)
{%- endmacro %}

{#- Latest first: the order in which a later delivery wins (CRM versions). -#}
{% macro delivered_last_first() -%}
    _drop_date desc, _file desc, _line_number desc
{%- endmacro %}

{#- Earliest first: the order in which the first delivered copy wins (messages, surveys). -#}
{% macro delivered_first() -%}
    _drop_date, _file, _line_number
{%- endmacro %}

{% macro json_text(column, path) -%}
    {{ return(adapter.dispatch('json_text', 'customer_journey')(column, path)) }}
{%- endmacro %}

{% macro duckdb__json_text(column, path) -%}
    json_extract_string({{ column }}, '{{ path }}')
{%- endmacro %}

{% macro postgres__json_text(column, path) -%}
    ({{ column }}::jsonb #>> '{{ '{' ~ path.replace('$.', '').replace('.', ',') ~ '}' }}')
{%- endmacro %}

{% macro sha256_hex(expression) -%}
    {{ return(adapter.dispatch('sha256_hex', 'customer_journey')(expression)) }}
{%- endmacro %}

{% macro default__sha256_hex(expression) -%}
    sha256({{ expression }})
{%- endmacro %}

{% macro postgres__sha256_hex(expression) -%}
    encode(sha256(convert_to({{ expression }}, 'UTF8')), 'hex')
{%- endmacro %}

{#- Opaque key of a customer matching no contact: anon- and 20 hex digits of sha256('<kind>:<id>'). -#}
{% macro anonymous_key(kind, identifier) -%}
    'anon-' || left({{ sha256_hex("'" ~ kind ~ ":' || " ~ identifier) }}, 20)
{%- endmacro %}

{#- Version history of a CRM change export: one row per key and updated_at (the delivery that
    came last wins), with valid_from / valid_to and is_current (latest updated_at). -#}
{% macro version_history(relation, key) -%}
    select
        deduplicated.*,
        updated_at as valid_from,
        lead(updated_at) over (partition by {{ key }} order by updated_at) as valid_to,
        row_number() over (partition by {{ key }} order by updated_at desc) = 1 as is_current
    from (
        select
            {{ relation }}.*,
            row_number() over (
                partition by {{ key }}, updated_at order by {{ delivered_last_first() }}
            ) as delivery_rank
        from {{ relation }}
    ) as deduplicated
    where delivery_rank = 1
{%- endmacro %}

{% macro spark__to_utc(column) -%}
    cast(cast(nullif(trim({{ column }}), '') as timestamp_ltz) as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro spark__json_text(column, path) -%}
    get_json_object({{ column }}, '{{ path }}')
{%- endmacro %}

{% macro spark__sha256_hex(expression) -%}
    sha2({{ expression }}, 256)
{%- endmacro %}

{#- Every match of the regular expression `pattern` in `expression` replaced by `replacement`. -#}
{% macro replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('replace_all', 'customer_journey')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{#- Whether the text `expression` begins with the text `prefix`. -#}
{% macro starts_with(expression, prefix) -%}
    {{ return(adapter.dispatch('starts_with', 'customer_journey')(expression, prefix)) }}
{%- endmacro %}

{% macro default__starts_with(expression, prefix) -%}
    starts_with({{ expression }}, {{ prefix }})
{%- endmacro %}

{% macro spark__starts_with(expression, prefix) -%}
    startswith({{ expression }}, {{ prefix }})
{%- endmacro %}
