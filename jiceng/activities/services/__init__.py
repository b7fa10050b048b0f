"""Every write of the activities app, one function per use case (see the modules for each area)."""

from jiceng.activities.errors import ActivityError
from jiceng.activities.services.activity import activity_cancel, activity_publish
from jiceng.activities.services.checkin import (
    CHECKIN_OPENS_BEFORE,
    check_in_window,
    checkin_by_code,
    checkin_by_qr,
    checkin_record,
    checkout_record,
    minutes_served,
)
from jiceng.activities.services.closing import CloseResult, activity_close, activity_file_claims
from jiceng.activities.services.signup import signup_cancel, signup_create

__all__ = [
    "CHECKIN_OPENS_BEFORE",
    "ActivityError",
    "CloseResult",
    "activity_cancel",
    "activity_close",
    "activity_file_claims",
    "activity_publish",
    "check_in_window",
    "checkin_by_code",
    "checkin_by_qr",
    "checkin_record",
    "checkout_record",
    "minutes_served",
    "signup_cancel",
    "signup_create",
]
