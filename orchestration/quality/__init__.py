"""Great Expectations validation of the metric marts."""

from .suites import DriftLimits, drift_limits
from .validation import Failure, MartValidation, ValidationReport, validate_marts

__all__ = [
    "DriftLimits",
    "Failure",
    "MartValidation",
    "ValidationReport",
    "drift_limits",
    "validate_marts",
]
