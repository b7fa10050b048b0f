"""Redaction of phone and ID numbers that a resident typed into free text.

Public pages (notice boards, the community page, shared diary entries) and the audit trail
show free text only through `redact`, so a neighbour who writes "帮 138xxxxxxxx 的老人买菜"
or pastes an ID number into a claim never publishes it. Templates use the `redact` filter
(`{% load redact %}`); this module is the one place that decides what looks like a number.
"""

import re

from django.utils.translation import gettext as _

from jiceng.core import crypto

# Spaces and dashes inside a number are how people type them: 138 0013 8000, 138-0013-8000.
_SEP = r"[ \-\u00a0]?"
# A citizen ID: 17 digits and a digit or X (also half-masked ones, as people copy them).
_ID = re.compile(r"(?<![0-9A-Za-z])(?:[0-9][ \-]?){6}[0-9*]{8}[0-9*]{3}[0-9Xx*](?![0-9A-Za-z])")
# A mainland mobile (1[3-9] and nine digits, +86 allowed) or a landline with its area code.
_PHONE = re.compile(
    r"(?<![0-9])(?:\+?86" + _SEP + r")?1[3-9][0-9]" + _SEP + r"[0-9]{4}" + _SEP + r"[0-9]{4}(?![0-9])"
    r"|(?<![0-9])0[1-9][0-9]{1,2}" + _SEP + r"[0-9]{7,8}(?![0-9])"
)


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def redact(text) -> str:
    """`text` with every phone masked (138****8000) and every ID number replaced by a marker."""
    if not text:
        return text or ""
    text = _ID.sub(lambda m: _("[身份证号已隐去]"), str(text))
    return _PHONE.sub(lambda m: crypto.mask_phone(_digits(m.group(0))[-11:]), text)
