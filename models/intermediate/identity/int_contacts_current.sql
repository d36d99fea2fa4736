{#- The current version of every CRM contact that is not deleted. -#}
select
    contact_id,
    email,
    phone_e164,
    country,
    lifecycle_stage,
    original_source,
    persona,
    created_at,
    updated_at
from {{ ref('stg_crm__contacts') }}
where is_current
    and not is_deleted
