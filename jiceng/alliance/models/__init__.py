"""Regional party-building alliance data: members, meetings, actions, the three lists,
report-in and new-sector coverage."""

from jiceng.alliance.models.core import Alliance, AllianceLevel, AllianceMember, ChairTerm, MemberKind
from jiceng.alliance.models.coverage import BranchState, SectorBranch
from jiceng.alliance.models.lists import (
    ListCategory,
    Need,
    NeedSource,
    NeedStatus,
    Project,
    ProjectStatus,
    Resource,
    Urgency,
)
from jiceng.alliance.models.meetings import (
    Action,
    ActionStatus,
    ActionUpdate,
    AgendaItem,
    Attendance,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
    RatingSource,
    Resolution,
    Track,
)
from jiceng.alliance.models.report_in import ReportIn, ReportInConfirmation, ReportInStatus, ServicePost

__all__ = [
    "Action",
    "ActionStatus",
    "ActionUpdate",
    "AgendaItem",
    "Alliance",
    "AllianceLevel",
    "AllianceMember",
    "Attendance",
    "BranchState",
    "ChairTerm",
    "Invitation",
    "ListCategory",
    "Meeting",
    "MeetingKind",
    "MeetingStatus",
    "MemberKind",
    "Need",
    "NeedSource",
    "NeedStatus",
    "Project",
    "ProjectStatus",
    "RatingSource",
    "ReportIn",
    "ReportInConfirmation",
    "ReportInStatus",
    "Resolution",
    "Resource",
    "SectorBranch",
    "ServicePost",
    "Track",
    "Urgency",
]
