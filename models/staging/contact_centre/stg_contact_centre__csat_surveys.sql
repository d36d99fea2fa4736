with

source as (

    select * from {{ source('contact_centre', 'csat_surveys') }}

),

renamed as (

    select
        survey_id,
        contact_record_id,
        {{ to_int('score') }} as score,
        {{ to_utc('submitted_at') }} as submitted_at,
        row_number() over (partition by survey_id order by {{ delivered_first() }}) as delivery_rank,
        _drop_date,
        _file,
        _line_number
    from source

)

select
    survey_id,
    contact_record_id,
    score,
    submitted_at,
    _drop_date,
    _file,
    _line_number
from renamed
where delivery_rank = 1
