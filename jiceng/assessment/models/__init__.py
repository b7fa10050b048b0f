from jiceng.assessment.models.manual import ManualEntry
from jiceng.assessment.models.runs import AssessmentRun, Score, ScoreLine
from jiceng.assessment.models.sanctions import (
    ObjectionState,
    Publication,
    RunObjection,
    Sanction,
    SanctionKind,
)
from jiceng.assessment.models.schemes import (
    MANUAL,
    Grade,
    Indicator,
    Scheme,
    SchemeState,
    ScoringRule,
    SubjectType,
)

__all__ = [
    "MANUAL",
    "AssessmentRun",
    "Grade",
    "Indicator",
    "ManualEntry",
    "ObjectionState",
    "Publication",
    "RunObjection",
    "Sanction",
    "SanctionKind",
    "Scheme",
    "SchemeState",
    "Score",
    "ScoreLine",
    "ScoringRule",
    "SubjectType",
]
