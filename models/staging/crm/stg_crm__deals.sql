with

source as (

    select * from {{ source('crm', 'deals') }}

),

renamed as (

    select
        deal_id,
        contact_id,
        lower(trim(deal_stage)) as deal_stage,
        {{ to_number('amount') }} as amount,
        upper(trim(currency)) as currency,
        {{ to_utc('created_at') }} as created_at,
        {{ to_utc('closed_at') }} as closed_at,
        {{ to_utc('updated_at') }} as updated_at,
        _drop_date,
        _file,
        _line_number
    from source

),

versioned as (

    {{ version_history('renamed', 'deal_id') }}

)

select
    deal_id,
    contact_id,
    deal_stage,
    amount,
    currency,
    created_at,
    closed_at,
    updated_at,
    valid_from,
    valid_to,
    is_current,
    _drop_date,
    _file,
    _line_number
from versioned
