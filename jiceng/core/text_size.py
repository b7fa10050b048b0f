"""The elderly mode's text size (适老化): 标准, 大 and 特大, kept in the `large_type` cookie.

The cookie is read on the server so the first paint is already at the right size; the button
in the top bar posts to `core:text_size` (no JavaScript needed), and app.js only saves the reload.
"""

from django.utils.translation import gettext_lazy as _

COOKIE = "large_type"
MAX_AGE = 365 * 24 * 3600
STANDARD, LARGE, EXTRA_LARGE = 0, 1, 2
# (name of the size, what the next tap does), by size.
WORDS = {
    STANDARD: (_("字号：标准"), _("点一下变大")),
    LARGE: (_("字号：大"), _("点一下变特大")),
    EXTRA_LARGE: (_("字号：特大"), _("点一下恢复标准")),
}


def text_size_of(request) -> int:
    raw = request.COOKIES.get(COOKIE, "")
    return int(raw) if raw in ("1", "2") else STANDARD


def text_size_next(size: int) -> int:
    return (size + 1) % 3


def text_size_context(request) -> dict:
    size = text_size_of(request)
    now, then = WORDS[size]
    return {
        "text_size": size,
        "text_size_next": text_size_next(size),
        "text_size_now": now,
        "text_size_then": then,
        "text_size_words": [{"size": k, "now": v[0], "then": v[1]} for k, v in WORDS.items()],
        "large_type": size != STANDARD,
    }
