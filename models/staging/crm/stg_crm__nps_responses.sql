with

source as (

    select * from {{ source('crm', 'nps_responses') }}

),

renamed as (

    select
        response_id,
        nullif(trim(contact_id), '') as contact_id,
        {{ normalise_email('email') }} as email,
        {{ to_int('score') }} as score,
        nullif(trim(comment), '') as comment,
        {{ to_utc('submitted_at') }} as submitted_at,
        row_number() over (partition by response_id order by {{ delivered_first() }}) as delivery_rank,
        _drop_date,
        _file,
        _line_number
    from source

)

select
    response_id,
    contact_id,
    email,
    score,
    comment,
    submitted_at,
    _drop_date,
    _file,
    _line_number
from renamed
where delivery_rank = 1
