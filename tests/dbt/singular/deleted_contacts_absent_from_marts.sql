{{ config(meta={"dagster": {"ref": {"name": "dim_customers"}}}) }}
{#- A contact deleted in its latest version appears in no mart. -#}
with deleted as (
    select contact_id from {{ ref('stg_crm__contacts') }} where is_current and is_deleted
)
select 'dim_customers' as mart, customer_key from {{ ref('dim_customers') }}
where customer_key in (select contact_id from deleted)
union all
select 'fct_customer_journey', customer_key from {{ ref('fct_customer_journey') }}
where customer_key in (select contact_id from deleted)
union all
select 'fct_touchpoints', customer_key from {{ ref('fct_touchpoints') }}
where customer_key in (select contact_id from deleted)
union all
select 'fct_web_sessions', customer_key from {{ ref('fct_web_sessions') }}
where customer_key in (select contact_id from deleted)
