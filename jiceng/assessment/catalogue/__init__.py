"""The default catalogue of computed indicators; importing it registers every computation."""

from jiceng.assessment.catalogue import (  # noqa: F401
    alliance,
    bank,
    circle,
    funding,
    linkage,
    lists,
    reportin,
    sectors,
    units,
    workforce,
)
from jiceng.assessment.catalogue.registry import CATALOGUE, Computation, Result

__all__ = ["CATALOGUE", "Computation", "Result"]
