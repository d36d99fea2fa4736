"""Great Expectations validation of the metric marts."""

from .suites import VALIDATED_MARTS, DriftLimits, drift_limits
from .validation import Failure, MartValidation, ValidationReport, validate_marts

__all__ = [
    "VALIDATED_MARTS",
    "DriftLimits",
    "Failure",
    "MartValidation",
    "ValidationReport",
    "drift_limits",
    "validate_marts",
]
