{#- The sentiment of every NPS comment, without the comment: sentiment_score() is the project's
    sentiment scorer (orchestration/sentiment), a DuckDB function given to every dbt connection by
    the profile's plugin. DuckDB streams the comments through it chunk by chunk. -#}
with

responses as (

    select response_id, comment from {{ ref('stg_crm__nps_responses') }}
    where comment is not null

)

select
    response_id,
    cast(sentiment_score(comment) as double) as sentiment_score
from responses
