"""Loading landing-zone drops into the DuckDB ``raw`` schema."""

from .contract import ENTITIES, SOURCES, Entity, entities_of
from .landing import all_drop_dates, drop_dates
from .loader import FileReport, SchemaProblem, SourceLoad, load_source
from .warehouse import connect, ensure_raw_schema

__all__ = [
    "ENTITIES",
    "SOURCES",
    "Entity",
    "FileReport",
    "SchemaProblem",
    "SourceLoad",
    "all_drop_dates",
    "connect",
    "drop_dates",
    "ensure_raw_schema",
    "entities_of",
    "load_source",
]
