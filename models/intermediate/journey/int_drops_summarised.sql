{#- One row: the latest drop date loaded in any source and as_of, midnight UTC after it. -#}
with

drops as (

    select * from {{ ref('stg_ingestion__drops') }}

)

select
    max(drop_date) as latest_drop_date,
    cast({{ dbt.dateadd('day', 1, 'cast(max(drop_date) as ' ~ dbt.type_timestamp() ~ ')') }}
        as {{ dbt.type_timestamp() }}) as as_of
from drops
