"""Demo: this year's published schemes for the subdistricts, the communities and the resident units, and one run each.

The community and unit runs are published, closed and drawn into honours and criticisms (the unit
run counts the superior organisations' ratings, a manual indicator entered with evidence by one
district administrator and approved by the other, one still waiting); the
subdistrict run shows an objection upheld on the records: a symposium held but without its minutes
was not counted, the subdistrict objects, the district upholds it, the subdistrict enters the minutes
through the alliance's own service, and the recomputed second version counts it.
"""

import datetime as dt
import io
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from jiceng.alliance.models import Alliance, AllianceMember, Attendance, Meeting, MeetingKind, MeetingStatus
from jiceng.alliance.services import (
    meeting_invite,
    meeting_record_attendance,
    meeting_record_minutes,
    meeting_schedule,
)
from jiceng.assessment.models import (
    MANUAL,
    AssessmentRun,
    Publication,
    RunObjection,
    Sanction,
    Scheme,
    SubjectType,
)
from jiceng.assessment.queries.subjects import subject_list
from jiceng.assessment.services import (
    indicator_add,
    manual_approve,
    manual_enter,
    objection_decide,
    objection_raise,
    run_compute,
    run_publish,
    run_recompute,
    sanctions_from_run,
    scheme_create,
    scheme_publish,
)
from jiceng.regions.models import Level, Region

SUBDISTRICT_INDICATORS = [
    ("bank.coverage", 10),
    ("bank.earners_per_1000", 5),
    ("bank.review_days", 5),
    ("bank.objections_upheld", 5),
    ("bank.redemptions_honoured", 5),
    ("alliance.symposia", 10),
    ("alliance.actions_on_time", 5),
    ("lists.needs_resolved", 5),
    ("lists.needs_rating", 5),
    ("lists.resolution_days", 5),
    ("reportin.served", 5),
    ("sectors.coverage", 5),
    ("sectors.faded", 5),
    ("circle.coverage", 5),
    ("activities.idle_places", 5),
    ("workforce.per_10k", 5),
    ("funding.social_org", 5),
    ("linkage.on_time", 5),
]
# New-sector organisations sit mostly at subdistrict level, so the community scheme leaves them out.
COMMUNITY_INDICATORS = [
    ("bank.coverage", 15),
    ("bank.earners_per_1000", 10),
    ("bank.review_days", 5),
    ("bank.objections_upheld", 5),
    ("bank.redemptions_honoured", 5),
    ("lists.needs_resolved", 10),
    ("lists.needs_rating", 5),
    ("lists.resolution_days", 5),
    ("reportin.served", 10),
    ("circle.coverage", 5),
    ("activities.idle_places", 5),
    ("workforce.per_10k", 10),
    ("linkage.on_time", 10),
]

# The one indicator no record holds: the unit's own superior party organisation rates its year (0–100),
# entered with the signed rating sheet as evidence and counted once a second administrator approves it.
UNIT_RATING = "上级党组织年度评价"
UNIT_INDICATORS = [
    ("alliance.unit_attendance", 35),
    ("alliance.unit_quarters_idle", 25),
    ("alliance.unit_proposals_adopted", 25),
    (MANUAL, 15, UNIT_RATING),
]


def _scheme(district, year, subject_type, name, indicators, bands):
    scheme = Scheme.objects.filter(district=district, year=year, subject_type=subject_type).first()
    if scheme is None:
        scheme = scheme_create(district=district, year=year, subject_type=subject_type, name=name, **bands)
        for code, weight, *name in indicators:
            indicator_add(scheme=scheme, code=code, weight=weight, name="".join(name))
        scheme = scheme_publish(scheme=scheme)
    return scheme


# The demo district holds a few weeks of records, so its community scheme sets low grade bands:
# with the default bands (优秀 ≥ 90) every demo community would fail and the honour list be empty.
DEMO_COMMUNITY_BANDS = {"band_excellent": 40, "band_good": 30, "band_pass": 12}
# The unit scheme's three computed indicators are per-event scores on a base (at most 15, 20 and 10
# points). The demo alliance's units missed one of its held meetings and co-hosted little, so on the
# records alone they reach the low 20s (the best, an item adopted and no meeting missed, the 30s);
# their superior organisations' ratings (70–95 of 100, weight 15) take them to 33–53. The unit whose
# rating waits for approval stays at 22.6, and a unit in no alliance that co-hosted nothing below 10.
# With the default bands every demo unit would fail.
DEMO_UNIT_BANDS = {"band_excellent": 40, "band_good": 33, "band_pass": 15}

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
            if subject_type == SubjectType.SUBDISTRICT:
                _symposium_without_minutes(district, today)
            if subject_type == SubjectType.UNIT:
                _unit_ratings(scheme)
            run_compute(scheme=scheme, period_start=dt.date(today.year, 1, 1), period_end=today)
    load_assessment_sanctions_demo(district)
    load_assessment_objection_demo(district)


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


OBJECTION_REASON = (
    "本街道区域党建联盟%(d)s召开了双月座谈会，成员单位签到和请假记录齐全，纸质纪要已存档，"
    "但纪要没有及时录入系统，这次座谈会没有计入，请核实。"
)
OBJECTION_DECISION = (
    "经核实，该次双月座谈会已召开，出席记录在案，纸质纪要存档属实，异议成立。"
    "由街道在联盟会议中补录会议纪要，补录后重新计算，不直接改动得分。"
)
MINUTES = "通报上季度区域共建项目进展，成员单位就老旧院落停车和楼道照明提出意见，议定下一次座谈会议题。"


def _first_subdistrict(district) -> Region | None:
    return Region.objects.filter(parent=district, level=Level.SUBDISTRICT).order_by("code").first()


def _symposium_without_minutes(district, today: dt.date) -> None:
    """A symposium of the first subdistrict's alliance, held (attendance recorded) but its minutes not entered.

    Made through the alliance's services before the subdistrict run is computed, so that run
    does not count it: the record the demo's objection is about."""
    from jiceng.core.models import User

    sub = _first_subdistrict(district)
    street = User.objects.filter(username="street").first()
    alliance = Alliance.objects.filter(region=sub).first() if sub else None
    if street is None or alliance is None:
        return
    tz = timezone.get_current_timezone()
    year_start = dt.datetime.combine(dt.date(today.year, 1, 1), dt.time.min, tzinfo=tz)
    when = max(year_start, dt.datetime.combine(today - dt.timedelta(days=20), dt.time(14, 30), tzinfo=tz))
    when = min(when, timezone.now())
    meeting = meeting_schedule(alliance=alliance, kind=MeetingKind.SYMPOSIUM, scheduled_at=when, actor=street)
    meeting_invite(meeting=meeting, actor=street)
    excused = meeting.invitations.order_by("pk")[:1]
    meeting_record_attendance(
        meeting=meeting, attendance={i.pk: Attendance.EXCUSED for i in excused}, actor=street, now=when
    )


# Ratings by the superior organisations of the alliances' members, in the order of the scheme's
# subjects; the last stays unapproved, so the demo's 人工指标 page has one waiting for the second
# administrator (a unit in no alliance is rated by nobody here, and its line counts 0).
UNIT_RATINGS = (92, 85, 88, 76, 95, 81, 70, 90, 84, 79, 93, 87, 74, 89)


def _rating_sheet() -> ContentFile:
    """A picture of a signed rating sheet: ruled lines and a red seal, as a phone photographs one."""
    img = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((40, 40, 560, 760), outline="black", width=3)
    for y in range(140, 640, 50):
        draw.line((60, y, 540, y), fill="gray", width=1)
    draw.ellipse((380, 600, 520, 740), outline=(200, 30, 30), width=6)
    out = io.BytesIO()
    img.save(out, "PNG")
    return ContentFile(out.getvalue(), name="rating.png")


def _unit_ratings(scheme) -> None:
    """The superior organisations' ratings, entered by the district's administrator before the unit run
    and approved by a second (all but the last); made once, and not without both logins."""
    from jiceng.core.models import User

    admin = User.objects.filter(username="district").first()
    second = User.objects.filter(username="district2").first()
    indicator = scheme.indicators.filter(code=MANUAL).first()
    if admin is None or second is None or indicator is None or indicator.manual_entries.exists():
        return
    members = set(
        AllianceMember.objects.filter(alliance__district=scheme.district).values_list(
            "organization", flat=True
        )
    )
    subjects = [s for s in subject_list(scheme) if s.pk in members]
    for i, (unit, value) in enumerate(zip(subjects, UNIT_RATINGS, strict=False)):
        entry = manual_enter(
            indicator=indicator,
            subject=unit,
            value=Decimal(value),
            evidence=_rating_sheet(),
            note="上级党组织盖章的年度评价表",
            by=admin,
        )
        if i < min(len(subjects), len(UNIT_RATINGS)) - 1:
            manual_approve(entry=entry, by=second)


def load_assessment_objection_demo(district) -> None:
    """The subdistrict run published, an objection upheld, the record corrected, and the second version.

    Runs once: nothing is done when the scheme already has an objection, or when the held
    symposium without minutes (the record objected to) is not there."""
    from jiceng.core.models import User

    admin = User.objects.filter(username="district").first()
    street = User.objects.filter(username="street").first()
    sub = _first_subdistrict(district)
    run = (
        AssessmentRun.objects.filter(scheme__district=district, scheme__subject_type=SubjectType.SUBDISTRICT)
        .order_by("version")
        .first()
    )
    if admin is None or street is None or sub is None or run is None:
        return
    if RunObjection.objects.filter(line__score__run__scheme=run.scheme).exists():
        return
    meeting = (
        Meeting.objects.filter(
            alliance__region=sub,
            kind=MeetingKind.SYMPOSIUM,
            status=MeetingStatus.HELD,
            minutes="",
            scheduled_at__date__gte=run.period_start,
            scheduled_at__date__lte=run.period_end,
        )
        .order_by("scheduled_at")
        .first()
    )
    line = run.scores.filter(region=sub).first()
    line = line and line.lines.filter(indicator__code="alliance.symposia").first()
    if meeting is None or line is None:
        return
    today = timezone.localdate()
    if not Publication.objects.filter(run=run).exists():
        run_publish(run=run, by=admin, today=today - dt.timedelta(days=2))
    day = timezone.localtime(meeting.scheduled_at).strftime("%Y年%m月%d日")
    obj = objection_raise(
        line=line, reason=OBJECTION_REASON % {"d": day}, by=street, today=today - dt.timedelta(days=1)
    )
    objection_decide(objection=obj, upheld=True, decision=OBJECTION_DECISION, by=admin)
    meeting_record_minutes(meeting=meeting, minutes=MINUTES, actor=street)
    new = run_recompute(run=run, by=admin)
    run_publish(run=new, by=admin, today=today)
