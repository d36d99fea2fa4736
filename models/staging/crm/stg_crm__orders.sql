with

source as (

    select * from {{ source('crm', 'orders') }}

),

renamed as (

    select
        order_id,
        contact_id,
        {{ to_utc('ordered_at') }} as ordered_at,
        lower(trim(status)) as status,
        {{ to_number('amount') }} as amount,
        upper(trim(currency)) as currency,
        {{ to_utc('updated_at') }} as updated_at,
        _drop_date,
        _file,
        _line_number
    from source

),

versioned as (

    {{ version_history('renamed', 'order_id') }}

)

select
    order_id,
    contact_id,
    ordered_at,
    status,
    amount,
    currency,
    updated_at,
    valid_from,
    valid_to,
    is_current,
    _drop_date,
    _file,
    _line_number
from versioned
