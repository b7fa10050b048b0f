"""Organisations (see `organization.py`): party organisations, units and social organisations."""

from jiceng.orgs.models.organization import (
    Incubation,
    Kind,
    Organization,
    PartyLevel,
    RegistrationType,
    Sector,
)

__all__ = ["Incubation", "Kind", "Organization", "PartyLevel", "RegistrationType", "Sector"]
