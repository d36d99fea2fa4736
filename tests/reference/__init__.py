"""An independent reference implementation of the warehouse's marts, straight from the landing zone."""

from .marts import MARTS, as_of, compute_reference
from .seeds import SEEDS_DIR

__all__ = ["MARTS", "SEEDS_DIR", "as_of", "compute_reference"]
