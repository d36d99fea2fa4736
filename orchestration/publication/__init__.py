"""Read-only publication of the validated marts for BI tools."""

from .publish import PUBLISHED_DATABASE, Publication, publish_marts, read_publication

__all__ = ["PUBLISHED_DATABASE", "Publication", "publish_marts", "read_publication"]
