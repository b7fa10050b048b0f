"""Organisations (see `organization.py`): party organisations and the units around them."""

from jiceng.orgs.models.organization import Kind, Organization, PartyLevel, Sector

__all__ = ["Kind", "Organization", "PartyLevel", "Sector"]
