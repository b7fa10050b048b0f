"""`figure`: an indicator's value without trailing zeros (100.000 → 100, 33.300 → 33.3), or — when it has none."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def figure(value) -> str:
    if value is None or value == "":
        return "—"
    return format(Decimal(value).normalize(), "f")
