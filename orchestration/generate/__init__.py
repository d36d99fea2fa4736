"""Sample landing-zone generator: realistic CRM, web and contact-centre exports, mess included."""

from .landing import generate_landing_zone
from .rates import MessRates
from .stats import GenerationStats

__all__ = ["GenerationStats", "MessRates", "generate_landing_zone"]
