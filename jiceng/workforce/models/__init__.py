"""The community-worker career system: settings and pay table, workers and their records, pay sheets."""

from jiceng.workforce.models.pay import PaySheet, PaySheetRow, SheetStatus
from jiceng.workforce.models.settings import (
    DEFAULT_BASE,
    DEFAULTS,
    GRADES,
    LEVEL_RANK,
    Level,
    PayGrade,
    Post,
    WorkforceSettings,
    default_coefficient,
)
from jiceng.workforce.models.workers import (
    PASSING,
    AssessmentResult,
    Cause,
    CommunityWorker,
    EventKind,
    GradeChange,
    Qualification,
    Result,
    WorkerEvent,
)

__all__ = [
    "DEFAULT_BASE",
    "DEFAULTS",
    "GRADES",
    "LEVEL_RANK",
    "PASSING",
    "AssessmentResult",
    "Cause",
    "CommunityWorker",
    "EventKind",
    "GradeChange",
    "Level",
    "PaySheet",
    "PaySheetRow",
    "PayGrade",
    "Post",
    "Qualification",
    "Result",
    "SheetStatus",
    "WorkerEvent",
    "WorkforceSettings",
    "default_coefficient",
]
