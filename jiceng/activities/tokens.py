"""The rotating check-in token and the participant's personal code.

The organiser's screen shows a QR code of a check-in URL whose token is
HMAC(key, activity, 30-second window), made and checked by `jiceng.core.rotating`.
"""

import base64
import datetime as dt
import hashlib
import hmac

from django.utils.translation import gettext as _

from jiceng.core import rotating

WINDOW_SECONDS = rotating.WINDOW_SECONDS
window_of = rotating.window_of
seconds_left = rotating.seconds_left
NAMESPACE = "activities.checkin"


class TokenError(Exception):
    """The check-in QR code was refused; the message tells the participant what to do."""


class TokenExpired(TokenError):
    pass


class TokenInvalid(TokenError):
    pass


def _key(purpose: str, extra: str = "") -> bytes:
    return rotating.key(f"activities.{purpose}", extra)


def token_for(activity, now: dt.datetime | None = None) -> str:
    return rotating.token_for(NAMESPACE, activity.secret, activity.pk, now)


def verify_token(activity, token: str, now: dt.datetime | None = None) -> None:
    """Accept a token of the current or the previous window; otherwise raise with a message."""
    try:
        rotating.verify(NAMESPACE, activity.secret, activity.pk, token, now)
    except rotating.Forged:
        raise TokenInvalid(_("签到二维码无效。请在活动现场扫描组织方屏幕上的二维码。")) from None
    except rotating.Stale:
        raise TokenExpired(
            _(
                "签到二维码已过期：现场二维码每 30 秒更新一次，截图或转发的二维码不能使用。"
                "请在活动现场扫描屏幕上最新的二维码。"
            )
        ) from None


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
