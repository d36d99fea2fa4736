"""Read-only publication of the validated marts for BI tools."""

from .publish import (
    PUBLISHED_DATABASE,
    Publication,
    PublicationError,
    publish_marts,
    read_publication,
    remove_leftovers,
)
from .purge import deleted_customer_keys, purge_customers

__all__ = [
    "PUBLISHED_DATABASE",
    "Publication",
    "PublicationError",
    "deleted_customer_keys",
    "publish_marts",
    "purge_customers",
    "read_publication",
    "remove_leftovers",
]
