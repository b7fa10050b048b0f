"""Demo: this year's published schemes for the subdistricts, the communities and the resident units, and one run each."""

import datetime as dt

from django.utils import timezone

from jiceng.assessment.models import AssessmentRun, Publication, Sanction, Scheme, SubjectType
from jiceng.assessment.services import (
    indicator_add,
    run_compute,
    run_publish,
    sanctions_from_run,
    scheme_create,
    scheme_publish,
)

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

UNIT_INDICATORS = [
    ("alliance.unit_attendance", 40),
    ("alliance.unit_quarters_idle", 30),
    ("alliance.unit_proposals_adopted", 30),
]


def _scheme(district, year, subject_type, name, indicators, bands):
    scheme = Scheme.objects.filter(district=district, year=year, subject_type=subject_type).first()
    if scheme is None:
        scheme = scheme_create(district=district, year=year, subject_type=subject_type, name=name, **bands)
        for code, weight in indicators:
            indicator_add(scheme=scheme, code=code, weight=weight)
        scheme = scheme_publish(scheme=scheme)
    return scheme


# The demo district holds a few weeks of records, so its community scheme sets low grade bands:
# with the default bands (优秀 ≥ 90) every demo community would fail and the honour list be empty.
DEMO_COMMUNITY_BANDS = {"band_excellent": 40, "band_good": 30, "band_pass": 12}
# The unit scheme's three indicators are per-event scores on a base (at most 15, 20 and 10
# points). The demo alliance's units missed one of its held meetings and co-hosted little, so the
# best of them (an item adopted) reach the high 30s; a unit in no alliance that co-hosted nothing
# stays below 10. With the default bands every demo unit would fail.
DEMO_UNIT_BANDS = {"band_excellent": 35, "band_good": 30, "band_pass": 10}

SCHEMES = (
    (SubjectType.SUBDISTRICT, "街道党建工作考核", SUBDISTRICT_INDICATORS, {}),
    (SubjectType.COMMUNITY, "社区党建工作考核", COMMUNITY_INDICATORS, DEMO_COMMUNITY_BANDS),
    (SubjectType.UNIT, "驻区单位共驻共建考核", UNIT_INDICATORS, DEMO_UNIT_BANDS),
)


def load_assessment_demo(district, progress=False) -> None:
    """This year's published schemes (order 190, after every app whose records they count)."""
    year = timezone.localdate().year
    for subject_type, name, indicators, bands in SCHEMES:
        _scheme(district, year, subject_type, name, indicators, bands)


def load_assessment_runs_demo(district, progress=False) -> None:
    """One run of each scheme, from 1 January to today (order 450, after the Moral Bank's claims)."""
    today = timezone.localdate()
    for subject_type, name, indicators, bands in SCHEMES:
        scheme = _scheme(district, today.year, subject_type, name, indicators, bands)
        if not AssessmentRun.objects.filter(scheme=scheme).exists():
            run_compute(scheme=scheme, period_start=dt.date(today.year, 1, 1), period_end=today)
    load_assessment_sanctions_demo(district)


def load_assessment_sanctions_demo(district) -> None:
    """The community and unit runs, published ten days ago, closed without objections, then honoured
    and criticised (the unit run's feedback sheets are then ready for the units' superior organisations)."""
    from jiceng.core.models import User

    admin = User.objects.filter(username="district").first()
    today = timezone.localdate()
    for subject_type in (SubjectType.COMMUNITY, SubjectType.UNIT):
        run = AssessmentRun.objects.filter(
            scheme__district=district, scheme__subject_type=subject_type
        ).first()
        if admin is None or run is None or Sanction.objects.filter(run=run).exists():
            continue
        if not Publication.objects.filter(run=run).exists():
            run_publish(run=run, by=admin, today=today - dt.timedelta(days=10))
        sanctions_from_run(run=run, by=admin, today=today)
