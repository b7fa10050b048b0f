"""`{{ text|redact }}`: free text on a public page, with phone and ID numbers hidden."""

from django import template

from jiceng.core.redact import redact as _redact

register = template.Library()


@register.filter(name="redact")
def redact(value) -> str:
    return _redact(value)
