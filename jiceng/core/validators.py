"""National identifier checks (GB 32100 credit codes, GB 11643 ID numbers, phones) and input normalising.

Files saved by Chinese Excel and phone keyboards often carry full-width digits
(１３９…) or other Unicode digits. Every phone, ID, credit code and number read
from an import, a form or the API goes through `ascii_normalize` first (NFKC,
then any remaining Unicode decimal digit mapped to ASCII), and is then checked
with strict ASCII patterns, so the same person always gets the same lookup hash.
"""

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
PHONE_RE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
ID_RE = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)


def ascii_normalize(value) -> str:
    """Full-width and other Unicode digits and letters as ASCII, trimmed: the one normaliser of codes.

    NFKC turns "１３９" into "139" and "ｘ" into "x"; digits NFKC leaves alone (Arabic-Indic,
    Devanagari …) are mapped by their decimal value. What is left is for strict ASCII checks.
    """
    text = unicodedata.normalize("NFKC", str(value or ""))
    if not text.isascii():
        text = "".join(
            str(unicodedata.decimal(c)) if not c.isascii() and unicodedata.decimal(c, None) is not None else c
            for c in text
        )
    return text.strip()


def positive_id(value) -> int | None:
    """A page's id or cursor parameter (`?page=3`, `?before=120`): a positive integer that fits a
    database id, else None. Full-width digits are read after NFKC; anything else is no value."""
    text = ascii_normalize(value) if value is not None else ""
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 2**63 else None


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    """Return the normalised 18-character unified social credit code or raise."""
    code = ascii_normalize(value).upper()
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为 18 位，当前为 %(n)d 位") % {"n": len(code)})
    bad = [c for c in code if c not in USCC_CHARS]
    if bad:
        raise ValidationError(_("统一社会信用代码含有非法字符：%(c)s") % {"c": "".join(bad)})
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位错误，请核对后重新输入"))
    return code


def id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def validate_id_number(value: str) -> str:
    """Return the normalised 18-digit citizen ID number or raise."""
    number = ascii_normalize(value).upper()
    if not ID_RE.fullmatch(number):
        raise ValidationError(_("身份证号应为 18 位数字（最后一位可为 X）"))
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期无效")) from None
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError(_("身份证号校验位错误，请核对后重新输入"))
    return number


def phone_normalize(value: str) -> str:
    """A phone as typed (full-width, with spaces or dashes) in the form it is stored and looked up."""
    return ascii_normalize(value).replace(" ", "").replace("-", "")


def validate_phone(value: str) -> str:
    """Return the normalised 11-digit mobile number or raise."""
    phone = phone_normalize(value)
    if not PHONE_RE.fullmatch(phone):
        raise ValidationError(_("手机号应为 11 位，以 1 开头"))
    return phone


def text_problem(value: str) -> str | None:
    """Why a text cannot be stored, or None: a lone surrogate or a NUL, which no database takes."""
    if "\x00" in value:
        return _("含有无法识别的空字符，请删去后重新输入")
    if any("\ud800" <= c <= "\udfff" for c in value):
        return _("含有无法识别的字符（可能是复制时带来的乱码），请删去后重新输入")
    return None


def validate_text(value) -> None:
    """A form validator: refuse text that `text_problem` finds malformed."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise ValidationError(problem, code="malformed_text")
