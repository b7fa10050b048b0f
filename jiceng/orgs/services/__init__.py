"""Every write of organisations (see `organizations.py`)."""

from jiceng.orgs.services.organizations import organization_create, organization_update

__all__ = ["organization_create", "organization_update"]
