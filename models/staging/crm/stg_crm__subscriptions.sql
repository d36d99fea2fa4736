with

source as (

    select * from {{ source('crm', 'subscriptions') }}

),

renamed as (

    select
        subscription_id,
        contact_id,
        nullif(trim(plan), '') as plan,
        {{ to_number('mrr') }} as mrr,
        upper(trim(currency)) as currency,
        {{ to_utc('started_at') }} as started_at,
        {{ to_utc('cancelled_at') }} as cancelled_at,
        nullif(trim(cancel_reason), '') as cancel_reason,
        {{ to_utc('updated_at') }} as updated_at,
        _drop_date,
        _file,
        _line_number
    from source

),

versioned as (

    {{ version_history('renamed', 'subscription_id') }}

)

select
    subscription_id,
    contact_id,
    plan,
    mrr,
    currency,
    started_at,
    cancelled_at,
    cancel_reason,
    updated_at,
    valid_from,
    valid_to,
    is_current,
    _drop_date,
    _file,
    _line_number
from versioned
