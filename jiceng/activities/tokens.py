"""The rotating check-in token and the participant's personal code.

The organiser's screen shows a QR code of a check-in URL whose token is
HMAC(key, activity, 30-second window). A token is accepted in its own window and the
next one, so a screenshot sent away from the site stops working within a minute.
The window number travels in the token, so an old token is told apart from a forged one.
"""

import base64
import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

WINDOW_SECONDS = 30
MAC_CHARS = 16


class TokenError(Exception):
    """The check-in QR code was refused; the message tells the participant what to do."""


class TokenExpired(TokenError):
    pass


class TokenInvalid(TokenError):
    pass


def _key(purpose: str, extra: str = "") -> bytes:
    return hashlib.sha256(f"jiceng.activities.{purpose}:{settings.SECRET_KEY}:{extra}".encode()).digest()


def window_of(now: dt.datetime | None = None) -> int:
    return int((now or timezone.now()).timestamp()) // WINDOW_SECONDS


def _mac(activity, window: int) -> str:
    key = _key("checkin", activity.secret)
    return hmac.new(key, f"{activity.pk}:{window}".encode(), hashlib.sha256).hexdigest()[:MAC_CHARS]


def token_for(activity, now: dt.datetime | None = None) -> str:
    window = window_of(now)
    return f"{window:x}-{_mac(activity, window)}"


def seconds_left(now: dt.datetime | None = None) -> int:
    """Seconds until the current window ends (the QR on screen changes then)."""
    stamp = (now or timezone.now()).timestamp()
    return WINDOW_SECONDS - int(stamp) % WINDOW_SECONDS


def verify_token(activity, token: str, now: dt.datetime | None = None) -> None:
    """Accept a token of the current or the previous window; otherwise raise with a message."""
    try:
        window_hex, mac = token.split("-", 1)
        window = int(window_hex, 16)
    except ValueError:
        raise TokenInvalid(_("签到二维码无效。请在活动现场扫描组织方屏幕上的二维码。")) from None
    if not hmac.compare_digest(mac, _mac(activity, window)):
        raise TokenInvalid(_("签到二维码无效。请在活动现场扫描组织方屏幕上的二维码。"))
    current = window_of(now)
    if window > current:
        raise TokenInvalid(_("签到二维码无效。请在活动现场扫描组织方屏幕上的二维码。"))
    if window < current - 1:
        raise TokenExpired(
            _(
                "签到二维码已过期：现场二维码每 30 秒更新一次，截图或转发的二维码不能使用。"
                "请在活动现场扫描屏幕上最新的二维码。"
            )
        )


# --------------------------------------------------------------------------- personal code

_CODE_CHARS = 5


def personal_code(person) -> str:
    """A short code the participant shows and the organiser scans or types, e.g. ``1234-K7QDA``."""
    digest = hmac.new(_key("person"), str(person.pk).encode(), hashlib.sha256).digest()
    return f"{person.pk}-{base64.b32encode(digest).decode()[:_CODE_CHARS]}"


def person_id_from_code(code: str) -> int | None:
    """The person id a code stands for, or None when the code is not genuine."""
    text = (code or "").strip().upper()
    for dash in ("－", "—", "–", " "):
        text = text.replace(dash, "-")
    text = text.replace("--", "-")
    try:
        pk_text, mac = text.split("-", 1)
        pk = int(pk_text)
    except ValueError:
        return None
    digest = hmac.new(_key("person"), str(pk).encode(), hashlib.sha256).digest()
    expected = base64.b32encode(digest).decode()[:_CODE_CHARS]
    return pk if hmac.compare_digest(mac.replace("-", ""), expected) else None
