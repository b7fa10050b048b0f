"""`{% once_field %}`: the hidden one-time id of a form that moves points or stock (see `core/once.py`)."""

from django import template
from django.utils.html import format_html

from jiceng.core.once import FIELD, once_token_from

register = template.Library()


@register.simple_tag
def once_field(token: str = "") -> str:
    """A fresh id each time the form is rendered, or `token` when the page was handed one."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, once_token_from(token))


@register.simple_tag
def once_token() -> str:
    """A fresh id to hand on in a link (`?rid=`) to the page that renders the form."""
    return once_token_from("")
