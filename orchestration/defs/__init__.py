"""Dagster definitions, one sub-package per system."""
