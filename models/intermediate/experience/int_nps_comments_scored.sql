{#- The sentiment of every NPS comment, without the comment, by the project's sentiment scorer
    (orchestration/sentiment; macro comment_sentiment): on DuckDB a function given to every dbt
    connection by the profile's plugin, through which DuckDB streams the comments chunk by chunk. -#}
with

responses as (

    select response_id, comment from {{ ref('stg_crm__nps_responses') }}
    where comment is not null

)

select
    response_id,
    cast({{ comment_sentiment('comment') }} as {{ type_double() }}) as sentiment_score
from responses
