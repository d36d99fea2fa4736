"""The dbt project as Dagster assets, downstream of the ingestion assets."""
