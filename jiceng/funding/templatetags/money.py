"""Yuan as a finance office writes it: thousands separated, whole yuan or to the fen."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def _breakable(text: str) -> SafeString:
    # A large sum may wrap in a narrow card, but only after a thousands separator, never mid-group.
    return mark_safe(escape(text).replace(",", ",<wbr>"))


@register.filter
def yuan(value) -> SafeString:
    """16200000 → 16,200,000."""
    d = _decimal(value)
    return _breakable("—" if d is None else f"{d:,.0f}")


@register.filter
def fen(value) -> SafeString:
    """1200.5 → 1,200.50."""
    d = _decimal(value)
    return _breakable("—" if d is None else f"{d:,.2f}")
