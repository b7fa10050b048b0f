"""The rotating check-in token of a meeting, shown as a QR code on the convener's screen.

Made and checked by `jiceng.core.rotating` (the same 30-second windows as an activity's
check-in): a screenshot sent away from the meeting stops working within a minute.
"""

import datetime as dt

from django.utils.translation import gettext as _

from jiceng.alliance.errors import AllianceError
from jiceng.core import rotating

NAMESPACE = "alliance.meeting_checkin"
WINDOW_SECONDS = rotating.WINDOW_SECONDS


def _secret(meeting) -> str:
    return f"{meeting.pk}:{meeting.created_at.isoformat()}"


def token_for(meeting, now: dt.datetime | None = None) -> str:
    return rotating.token_for(NAMESPACE, _secret(meeting), meeting.pk, now)


def verify_token(meeting, token: str, now: dt.datetime | None = None) -> None:
    try:
        rotating.verify(NAMESPACE, _secret(meeting), meeting.pk, token, now)
    except rotating.Forged:
        raise AllianceError(_("签到二维码无效。请在会场扫描会议召集方屏幕上的二维码。")) from None
    except rotating.Stale:
        raise AllianceError(
            _(
                "签到二维码已过期：会场二维码每 30 秒更新一次，截图或转发的二维码不能使用。"
                "请扫描会场屏幕上最新的二维码。"
            )
        ) from None
