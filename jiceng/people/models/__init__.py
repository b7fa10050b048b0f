"""Residents, households and party membership (see `residents.py`)."""

from jiceng.people.models.residents import Gender, Household, Origin, PartyMembership, Person

__all__ = ["Gender", "Household", "Origin", "PartyMembership", "Person"]
