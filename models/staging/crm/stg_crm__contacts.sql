with

source as (

    select * from {{ source('crm', 'contacts') }}

),

calling_codes as (

    select * from {{ ref('country_calling_codes') }}

),

renamed as (

    select
        source.contact_id,
        {{ normalise_email('source.email') }} as email,
        {{ e164_from_local('source.phone', 'calling_codes') }} as phone_e164,
        upper(trim(source.country)) as country,
        nullif(trim(source.lifecycle_stage), '') as lifecycle_stage,
        nullif(trim(source.original_source), '') as original_source,
        nullif(trim(source.persona), '') as persona,
        {{ to_utc('source.created_at') }} as created_at,
        {{ to_utc('source.updated_at') }} as updated_at,
        coalesce({{ to_bool('source.is_deleted') }}, false) as is_deleted,
        source._drop_date,
        source._file,
        source._line_number
    from source
    left join calling_codes
        on upper(trim(source.country)) = calling_codes.country

),

versioned as (

    {{ version_history('renamed', 'contact_id') }}

)

select
    contact_id,
    email,
    phone_e164,
    country,
    lifecycle_stage,
    original_source,
    persona,
    created_at,
    updated_at,
    valid_from,
    valid_to,
    is_current,
    is_deleted,
    _drop_date,
    _file,
    _line_number
from versioned
