"""Every write of the alliance app, one function per use case (see the modules for each area)."""

from jiceng.alliance.errors import AllianceError
from jiceng.alliance.services.coverage import (
    sector_branch_end,
    sector_branch_found,
    sector_branch_set_members,
)
from jiceng.alliance.services.lists import (
    need_create,
    need_withdraw,
    project_close,
    project_create,
    project_rate,
    resource_create,
    resource_withdraw,
)
from jiceng.alliance.services.meetings import (
    action_close,
    action_create,
    action_update_add,
    agenda_item_add,
    meeting_cancel,
    meeting_invite,
    meeting_record_attendance,
    meeting_record_minutes,
    meeting_reschedule,
    meeting_schedule,
    resolution_add,
    symposia_propose,
)
from jiceng.alliance.services.members import alliance_create, chair_set, member_join, member_leave
from jiceng.alliance.services.report_in import (
    report_in_choose,
    report_in_confirm,
    report_in_submit,
    report_in_withdraw,
    service_post_create,
)
from jiceng.alliance.services.taking_part import agenda_propose, invitation_reply, meeting_check_in

__all__ = [
    "invitation_reply",
    "meeting_check_in",
    "AllianceError",
    "action_close",
    "action_create",
    "action_update_add",
    "agenda_item_add",
    "agenda_propose",
    "alliance_create",
    "chair_set",
    "meeting_cancel",
    "meeting_invite",
    "meeting_record_attendance",
    "meeting_record_minutes",
    "meeting_reschedule",
    "meeting_schedule",
    "member_join",
    "member_leave",
    "need_create",
    "need_withdraw",
    "project_close",
    "project_create",
    "project_rate",
    "report_in_choose",
    "report_in_confirm",
    "report_in_submit",
    "report_in_withdraw",
    "resource_create",
    "resolution_add",
    "resource_withdraw",
    "sector_branch_end",
    "sector_branch_found",
    "sector_branch_set_members",
    "service_post_create",
    "symposia_propose",
]
