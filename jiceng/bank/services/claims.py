"""Filing deed claims: by the resident, by a community worker (office mode), by a witness,
from a diary entry, or for everyone who attended an activity.

Caps and evidence are checked when a claim is filed, with a message that says why a
claim is refused; review, the notice and settling follow in `reviews`,
`objections` and `settlement`.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.bank.errors import ClaimError
from jiceng.bank.models import ClaimPhoto, ClaimState, DeedClaim, EarningRule, Evidence, FiledMode, PointsMode
from jiceng.bank.queries.rules import rule_get_volunteer, rule_list_for
from jiceng.core.photos import PhotoError, photos_clean
from jiceng.core.scope import scope_for
from jiceng.people.models import Person
from jiceng.regions.models import Region


def points_for(rule: EarningRule, minutes: int | None) -> int:
    if rule.points_mode == PointsMode.PER_HOUR:
        if not minutes or minutes <= 0:
            raise ClaimError(_("该规则按服务时长计分，请填写服务时长（分钟）"))
        points = rule.points * minutes // 60
        if points <= 0:
            raise ClaimError(_("服务时长不足以获得 1 分（每小时 %(p)d 分）") % {"p": rule.points})
        return points
    return rule.points


def _check_caps(claimant: Person, rule: EarningRule, points: int, deed_date: dt.date) -> None:
    counted = DeedClaim.objects.filter(
        claimant=claimant, rule__code=rule.code, rule__district=rule.district_id
    ).exclude(state__in=[ClaimState.REJECTED, ClaimState.VOIDED])
    for cap, qs, label in (
        (
            rule.cap_month,
            counted.filter(deed_date__year=deed_date.year, deed_date__month=deed_date.month),
            _("本月"),
        ),
        (rule.cap_year, counted.filter(deed_date__year=deed_date.year), _("今年")),
    ):
        if cap is None:
            continue
        have = qs.aggregate(s=Sum("points"))["s"] or 0
        if have + points > cap:
            raise ClaimError(
                _("“%(r)s”%(when)s已累计 %(have)d 分，上限 %(cap)d 分，本次 %(p)d 分会超出上限。")
                % {"r": rule.name, "when": label, "have": have, "cap": cap, "p": points}
            )


@dataclass
class ClaimInput:
    """What a claim says: who did what under which rule, and the evidence."""

    claimant: Person
    rule: EarningRule
    deed_date: dt.date
    text: str
    minutes: int | None = None
    witness: str = ""
    text_public: bool = False
    photos: tuple = ()
    diary_entry: object = None
    activity_id: int | None = None


def _mode_for(filer, claimant: Person) -> str:
    if filer.person_id == claimant.pk:
        return FiledMode.SELF
    if scope_for(filer).works_in(claimant.community_id):
        return FiledMode.OFFICE
    if filer.person_id and filer.person.district_id == claimant.district_id:
        return FiledMode.WITNESS
    raise ClaimError(_("您不能为这位居民申报"))


@transaction.atomic
def claim_file(*, filer, data: ClaimInput, mode: str | None = None) -> DeedClaim:
    """File a deed claim; caps and evidence are checked now, with a message that says why."""
    claimant, rule = data.claimant, data.rule
    mode = mode or _mode_for(filer, claimant)
    if not rule_list_for(claimant.community, data.deed_date).filter(pk=rule.pk).exists():
        raise ClaimError(_("规则“%(r)s”在 %(d)s 不适用于您的社区") % {"r": rule.name, "d": data.deed_date})
    if data.deed_date > timezone.localdate():
        raise ClaimError(_("善行日期不能晚于今天"))
    if data.deed_date < timezone.localdate() - dt.timedelta(days=90):
        raise ClaimError(_("只能申报 90 天内的善行"))
    text = (data.text or "").strip()
    if len(text) < 4:
        raise ClaimError(_("请用一两句话写下做了什么（至少 4 个字）"))
    if rule.evidence == Evidence.PHOTO and not data.photos:
        raise ClaimError(_("该规则需要上传照片作为证明"))
    if rule.evidence == Evidence.WITNESS and not (data.witness.strip() or mode == FiledMode.WITNESS):
        raise ClaimError(_("该规则需要填写证明人"))
    if rule.evidence == Evidence.CHECKIN and data.activity_id is None:
        raise ClaimError(_("该规则需要现场签到：请参加活动并签到，由活动组织方统一申报"))
    try:
        cleaned = photos_clean(data.photos)
    except PhotoError as exc:
        raise ClaimError(str(exc)) from None
    points = points_for(rule, data.minutes)
    Person.objects.select_for_update().filter(pk=claimant.pk).first()  # one claimant's caps checked at a time
    _check_caps(claimant, rule, points, data.deed_date)
    claim = DeedClaim.objects.create(
        district_id=claimant.district_id,
        community_id=claimant.community_id,
        claimant=claimant,
        rule=rule,
        points=points,
        minutes=data.minutes,
        deed_date=data.deed_date,
        text=text,
        diary_entry=data.diary_entry,
        activity_id=data.activity_id,
        filed_by=filer,
        filed_mode=mode,
        witness=data.witness.strip() if mode != FiledMode.WITNESS else str(filer),
        text_public=data.text_public,
        state=ClaimState.SUBMITTED,
    )
    for photo in cleaned:
        ClaimPhoto.objects.create(district_id=claim.district_id, claim=claim, image=photo)
    return claim


def claim_file_from_diary(
    *,
    filer,
    entry,
    rule: EarningRule | None = None,
    minutes: int | None = None,
    witness: str = "",
    text_public: bool = False,
) -> DeedClaim:
    """Turn the filer's own diary entry into a deed claim: its text, date and photos become the evidence.

    The entry's text reaches the reviewers only; the public notice shows it only with
    `text_public` (an unshared entry was promised as 只有自己能看). Without `rule`, the first
    rule of the entry's category that applies on its date is used.
    """
    if entry.person_id != filer.person_id:
        raise ClaimError(_("只能申报自己的日记"))
    if entry.claims.exclude(state__in=[ClaimState.REJECTED, ClaimState.VOIDED]).exists():
        raise ClaimError(_("这篇日记已经申报过了"))
    if rule is None:
        rule = rule_list_for(entry.person.community, entry.date).filter(category=entry.category).first()
        if rule is None:
            raise ClaimError(_("没有适用于这个类别的积分规则，请选择其他规则"))
    photos = [p.image for p in entry.photos.all()]
    for p in photos:
        p.open("rb")
    return claim_file(
        filer=filer,
        data=ClaimInput(
            claimant=entry.person,
            rule=rule,
            deed_date=entry.date,
            text=entry.text,
            minutes=minutes,
            witness=witness,
            text_public=text_public,
            photos=photos,
            diary_entry=entry,
        ),
    )


@transaction.atomic
def claims_file_for_activity(
    *, activity_id: int, attendees: list[tuple[Person, int]], filed_by, deed_date: dt.date, text: str
) -> list[DeedClaim]:
    """After an activity: one volunteer-service claim per attendee, in one step.

    Attendees whose caps are reached are skipped rather than failing the rest; the
    organiser sees who was skipped and why from the returned claims' absence.
    """
    claims = []
    for person, minutes in attendees:
        if DeedClaim.objects.filter(activity_id=activity_id, claimant=person).exists():
            continue  # closing twice files nothing twice
        rule = rule_get_volunteer(Region.objects.get(pk=person.district_id))
        try:
            with transaction.atomic():
                claims.append(
                    claim_file(
                        filer=filed_by,
                        mode=FiledMode.OFFICE,
                        data=ClaimInput(
                            claimant=person,
                            rule=rule,
                            deed_date=deed_date,
                            text=text,
                            minutes=minutes,
                            activity_id=activity_id,
                        ),
                    )
                )
        except ClaimError:
            continue
    return claims
