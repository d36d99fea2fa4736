with

source as (

    select * from {{ source('ingestion', 'loaded_drops') }}

),

renamed as (

    select
        source as source_system,
        drop_date,
        files as files_loaded
    from source

)

select * from renamed
