"""Where validation and publication write."""

import dagster as dg


class QualitySettings(dg.ConfigurableResource):
    """The publication folder (``JOURNEY_PUBLISH_DIR``) and the Data Docs site (``JOURNEY_DATA_DOCS_DIR``)."""

    publish_dir: str
    data_docs_dir: str
