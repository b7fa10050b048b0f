"""Demo: a published scheme for the subdistricts and one for the communities of this year, and one run each."""

import datetime as dt

from django.utils import timezone

from jiceng.assessment.models import AssessmentRun, Scheme, SubjectType
from jiceng.assessment.services import indicator_add, run_compute, scheme_create, scheme_publish

SUBDISTRICT_INDICATORS = [
    ("bank.coverage", 15),
    ("bank.earners_per_1000", 10),
    ("bank.review_days", 5),
    ("bank.objections_upheld", 5),
    ("bank.redemptions_honoured", 5),
    ("alliance.symposia", 15),
    ("alliance.actions_on_time", 10),
    ("lists.needs_resolved", 10),
    ("lists.needs_rating", 5),
    ("workforce.per_10k", 5),
    ("workforce.qualified", 5),
    ("funding.social_org", 5),
    ("linkage.on_time", 5),
]
COMMUNITY_INDICATORS = [
    ("bank.coverage", 20),
    ("bank.earners_per_1000", 15),
    ("bank.review_days", 10),
    ("bank.objections_upheld", 5),
    ("bank.redemptions_honoured", 5),
    ("lists.needs_resolved", 15),
    ("lists.needs_rating", 10),
    ("workforce.per_10k", 10),
    ("linkage.on_time", 10),
]


def _scheme(district, year, subject_type, name, indicators):
    scheme = Scheme.objects.filter(district=district, year=year, subject_type=subject_type).first()
    if scheme is None:
        scheme = scheme_create(district=district, year=year, subject_type=subject_type, name=name)
        for code, weight in indicators:
            indicator_add(scheme=scheme, code=code, weight=weight)
        scheme = scheme_publish(scheme=scheme)
    return scheme


SCHEMES = (
    (SubjectType.SUBDISTRICT, "街道党建工作考核", SUBDISTRICT_INDICATORS),
    (SubjectType.COMMUNITY, "社区党建工作考核", COMMUNITY_INDICATORS),
)


def load_assessment_demo(district, progress=False) -> None:
    """This year's published schemes (order 190, after every app whose records they count)."""
    year = timezone.localdate().year
    for subject_type, name, indicators in SCHEMES:
        _scheme(district, year, subject_type, name, indicators)


def load_assessment_runs_demo(district, progress=False) -> None:
    """One run of each scheme, from 1 January to today (order 450, after the Moral Bank's claims)."""
    today = timezone.localdate()
    for subject_type, name, indicators in SCHEMES:
        scheme = _scheme(district, today.year, subject_type, name, indicators)
        if not AssessmentRun.objects.filter(scheme=scheme).exists():
            run_compute(scheme=scheme, period_start=dt.date(today.year, 1, 1), period_end=today)
