"""Activities and who takes part in them (one module per area)."""

from jiceng.activities.models.activity import Activity, ActivityStatus, OrganizerKind, _new_secret
from jiceng.activities.models.attendance import CheckIn, CheckInMethod, SignUp

__all__ = [
    "Activity",
    "ActivityStatus",
    "CheckIn",
    "CheckInMethod",
    "OrganizerKind",
    "SignUp",
    "_new_secret",  # named by migration 0001 as the secret's default
]
