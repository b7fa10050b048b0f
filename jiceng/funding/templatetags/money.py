"""Yuan as a finance office writes it: thousands separated, whole yuan or to the fen."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


@register.filter
def yuan(value) -> str:
    """16200000 → 16,200,000."""
    d = _decimal(value)
    return "—" if d is None else f"{d:,.0f}"


@register.filter
def fen(value) -> str:
    """1200.5 → 1,200.50."""
    d = _decimal(value)
    return "—" if d is None else f"{d:,.2f}"
