{{
    config(
        materialized='incremental',
        unique_key='customer_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}
{#- One row per customer with a fingerprint of everything its paths, attribution credits and
    feedback follow-ups depend on: its touchpoints, its journey stages, its orders, its survey
    responses, its contact-centre contacts and whether it is known. changed_at is the start of the
    build that last saw the fingerprint change, or that rebuilt a web device the customer has
    messages on (its sessions, and so the campaign of its web touches, may have moved); the
    customer-keyed incremental models rebuild the customers changed since their own last build.
    A customer that no longer exists (merged into another by identity stitching, or deleted)
    keeps a row with a null fingerprint. -#}
-- depends_on: {{ ref('int_web_devices') }}, {{ ref('int_web_events_attributed') }}
with

parts as (

    select customer_key, {{ row_hash(["'touchpoint'", 'touchpoint_id', 'occurred_at', 'channel']) }} as part
    from {{ ref('fct_touchpoints') }}
    union all
    select customer_key, {{ row_hash(["'stage'", 'stage', 'entered_at']) }}
    from {{ ref('fct_customer_journey') }}
    union all
    select customer_key, {{ row_hash(["'order'", 'order_id', 'ordered_at', 'status', 'amount_eur']) }}
    from {{ ref('int_orders_converted') }}
    union all
    select customer_key, {{ row_hash(["'survey'", 'survey_type', 'survey_id', 'score', 'submitted_at']) }}
    from {{ ref('int_surveys_attributed') }}
    union all
    select customer_key, {{ row_hash(["'contact'", 'contact_record_id', 'initiated_at', 'initiation_method']) }}
    from {{ ref('int_contact_centre_contacts_attributed') }}
    union all
    select customer_key, {{ row_hash(["'customer'", 'is_known']) }}
    from {{ ref('dim_customers') }}

),

fingerprinted as (

    select customer_key, {{ row_hash(['count(*)', 'bit_xor(part)']) }} as fingerprint
    from parts
    where customer_key is not null
    group by customer_key

)

{% if is_incremental() %}

, on_changed_devices as (

    select distinct customer_key
    from {{ ref('int_web_events_attributed') }}
    where anonymous_id in {{ changed_devices() }}

)

select fingerprinted.customer_key, fingerprinted.fingerprint, {{ build_started_at() }} as changed_at
from fingerprinted
left join {{ this }} as known
    on fingerprinted.customer_key = known.customer_key
where known.fingerprint is distinct from fingerprinted.fingerprint
    or fingerprinted.customer_key in (select customer_key from on_changed_devices)

union all

select known.customer_key, cast(null as {{ row_hash_type() }}), {{ build_started_at() }}
from {{ this }} as known
where known.fingerprint is not null
    and not exists (select 1 from fingerprinted where fingerprinted.customer_key = known.customer_key)

{% else %}

select customer_key, fingerprint, {{ build_started_at() }} as changed_at
from fingerprinted

{% endif %}
