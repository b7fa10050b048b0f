"""The default catalogue of computed indicators; importing it registers every computation."""

from jiceng.assessment.catalogue import alliance, bank, funding, linkage, lists, workforce  # noqa: F401
from jiceng.assessment.catalogue.registry import CATALOGUE, Computation, Result

__all__ = ["CATALOGUE", "Computation", "Result"]
