select
    stage,
    stage_order,
    description
from {{ ref('journey_stages') }}
