{#- The sentiment score (-1..1) of a comment, by the project's scorer (orchestration/sentiment).
    On DuckDB it is the function sentiment_score that the dbt profile's plugin registers. Other
    engines have no such function: the handoff of the raw tables to them (orchestration/handoff.py)
    scores every distinct comment with the same function into raw.comment_sentiment, keyed by
    md5 of the comment as staging types it, and the score is looked up there. -#}
{% macro comment_sentiment(comment) -%}
    {{ return(adapter.dispatch('comment_sentiment', 'customer_journey')(comment)) }}
{%- endmacro %}

{% macro duckdb__comment_sentiment(comment) -%}
    sentiment_score({{ comment }})
{%- endmacro %}

{% macro default__comment_sentiment(comment) -%}
    (select scored.sentiment_score from raw.comment_sentiment as scored where scored.comment_md5 = md5({{ comment }}))
{%- endmacro %}

{#- Spark asks a correlated scalar subquery for an aggregate: comment_md5 is unique, so max is the score. -#}
{% macro spark__comment_sentiment(comment) -%}
    (select max(scored.sentiment_score) from raw.comment_sentiment as scored where scored.comment_md5 = md5({{ comment }}))
{%- endmacro %}
