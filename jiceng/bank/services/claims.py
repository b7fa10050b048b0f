"""Earning rules, deed claims, review, the public notice and objections, and settling.

The flow: a claim is filed (by the resident, by a community worker in office mode,
or by a witness) → reviewed by community workers of the claimant's community (never
the claimant or their household; two different people above a rule's threshold) →
approved claims become pending awards in the ledger and go on the public notice
board → anyone in the district may object while the notice runs → `bank settle`
posts what ended with no objection upheld.
"""

import datetime as dt
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from jiceng.bank import ledger, log
from jiceng.bank.models import (
    Category,
    ClaimPhoto,
    ClaimState,
    DeedClaim,
    EarningRule,
    Evidence,
    FiledMode,
    Notice,
    NoticeState,
    Objection,
    ObjectionState,
    PointsMode,
    Review,
    TransferState,
)
from jiceng.core.audit import audit, snapshot
from jiceng.core.models import Role
from jiceng.core.scope import scope_for
from jiceng.people.models import Person
from jiceng.regions.models import Level, Region


class ClaimError(Exception):
    """A refusal with a message that says what to do."""


# ---------------------------------------------------------------- rules

DEFAULT_RULES = [
    # code, category, name, mode, points, cap_month, cap_year, evidence, second_review_above
    ("helping", Category.HELPING, "助人为乐", PointsMode.FIXED, 5, 30, 200, Evidence.NONE, None),
    ("bravery", Category.BRAVERY, "见义勇为", PointsMode.FIXED, 50, 100, 300, Evidence.WITNESS, 20),
    (
        "honesty",
        Category.HONESTY,
        "拾金不昧、诚实守信",
        PointsMode.FIXED,
        10,
        30,
        200,
        Evidence.WITNESS,
        None,
    ),
    ("dedication", Category.DEDICATION, "敬业奉献", PointsMode.FIXED, 10, 30, 200, Evidence.PHOTO, None),
    ("filial", Category.FILIAL, "孝老爱亲", PointsMode.FIXED, 5, 20, 150, Evidence.NONE, None),
    ("volunteer", Category.VOLUNTEER, "志愿服务", PointsMode.PER_HOUR, 2, 40, 400, Evidence.CHECKIN, 30),
    ("neighbour", Category.NEIGHBOUR, "邻里互助", PointsMode.FIXED, 3, 20, 150, Evidence.NONE, None),
    ("environment", Category.ENVIRONMENT, "环境保护", PointsMode.FIXED, 3, 20, 150, Evidence.PHOTO, None),
    ("patrol", Category.PATROL, "平安巡逻", PointsMode.PER_HOUR, 2, 30, 300, Evidence.NONE, None),
]


def rules_seed_catalogue(district: Region) -> int:
    """The district's starting catalogue, one rule per category; idempotent."""
    created = 0
    for code, category, name, mode, points, cap_m, cap_y, evidence, second in DEFAULT_RULES:
        _rule, made = EarningRule.objects.get_or_create(
            district=district,
            code=code,
            is_current=True,
            defaults={
                "category": category,
                "name": name,
                "points_mode": mode,
                "points": points,
                "cap_month": cap_m,
                "cap_year": cap_y,
                "evidence": evidence,
                "second_review_above": second,
                "active_from": dt.date(2020, 1, 1),
            },
        )
        created += made
    return created


RULE_FIELDS = [
    "category",
    "name",
    "description",
    "points_mode",
    "points",
    "cap_month",
    "cap_year",
    "evidence",
    "second_review_above",
    "active_from",
    "active_to",
]


def _validate_rule(data: dict) -> None:
    if not data.get("name"):
        raise ClaimError(_("请填写规则名称"))
    if not isinstance(data.get("points"), int) or data["points"] <= 0:
        raise ClaimError(_("积分必须是大于 0 的整数"))
    if data.get("cap_month") and data.get("cap_year") and data["cap_month"] > data["cap_year"]:
        raise ClaimError(_("每月上限不能大于每年上限"))
    if data.get("active_to") and data["active_to"] < data["active_from"]:
        raise ClaimError(_("失效日期不能早于生效日期"))


@transaction.atomic
def rule_create(*, actor, district: Region, subdistrict: Region | None, code: str, **data) -> EarningRule:
    """A new rule: district-wide, or local to one subdistrict."""
    _validate_rule(data)
    if EarningRule.objects.filter(district=district, code=code).exists():
        raise ClaimError(_("规则编号 %(c)s 已存在，请换一个") % {"c": code})
    rule = EarningRule.objects.create(
        district=district,
        subdistrict=subdistrict,
        code=code,
        created_by=actor,
        **{k: data.get(k) for k in RULE_FIELDS if k in data},
    )
    audit(actor, "rule.create", rule, after=snapshot(rule))
    return rule


@transaction.atomic
def rule_edit(*, actor, rule: EarningRule, **changes) -> EarningRule:
    """Editing writes a new version; claims already made keep their version and points."""
    current = EarningRule.objects.select_for_update().get(pk=rule.pk)
    if not current.is_current:
        raise ClaimError(_("这不是规则的当前版本，请刷新后再修改"))
    data = {k: getattr(current, k) for k in RULE_FIELDS} | changes
    _validate_rule(data)
    today = timezone.localdate()
    EarningRule.objects.filter(pk=current.pk).update(
        is_current=False, active_to=max(today, current.active_from)
    )
    new = EarningRule.objects.create(
        district_id=current.district_id,
        subdistrict_id=current.subdistrict_id,
        code=current.code,
        version=current.version + 1,
        created_by=actor,
        **(data | {"active_from": max(today, data["active_from"])}),
    )
    audit(actor, "rule.edit", new, before=snapshot(current), after=snapshot(new))
    return new


def rules_for(community: Region, on: dt.date | None = None):
    """Rules a claimant of `community` can claim under on a date: the district's and their subdistrict's."""
    on = on or timezone.localdate()
    subdistrict_code = community.code[:9] + "000"
    return (
        EarningRule.objects.filter(
            district__code=community.district_code, is_current=True, active_from__lte=on
        )
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=on))
        .filter(Q(subdistrict__isnull=True) | Q(subdistrict__code=subdistrict_code))
        .order_by("category", "code")
    )


# ---------------------------------------------------------------- photos

ALLOWED_IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTOS = 6


def clean_photo(upload) -> ContentFile:
    """Check type and size, and re-encode so EXIF (GPS location included) is gone."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ClaimError(_("照片“%(n)s”超过 8 MB，请压缩后再上传") % {"n": upload.name})
    try:
        image = Image.open(upload)
        fmt = image.format
        image.load()
    except (UnidentifiedImageError, OSError):
        raise ClaimError(
            _("“%(n)s”不是可识别的图片，请上传 JPG、PNG 或 WebP 照片") % {"n": upload.name}
        ) from None
    if fmt not in ALLOWED_IMAGE_FORMATS:
        raise ClaimError(_("不支持 %(f)s 格式，请上传 JPG、PNG 或 WebP 照片") % {"f": fmt})
    image = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85)
    else:
        image.save(out, fmt)
    return ContentFile(out.getvalue(), name=f"photo.{ALLOWED_IMAGE_FORMATS[fmt]}")


# ---------------------------------------------------------------- filing


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
    claimant: Person
    rule: EarningRule
    deed_date: dt.date
    text: str
    minutes: int | None = None
    witness: str = ""
    photos: tuple = ()
    diary_entry: object = None
    activity_id: int | None = None


def _mode_for(filer, claimant: Person) -> str:
    if filer.person_id == claimant.pk:
        return FiledMode.SELF
    scope = scope_for(filer)
    if scope.has(Role.COMMUNITY_WORKER) and any(
        r.level == Level.COMMUNITY and r.pk == claimant.community_id
        for r in scope.regions_for([Role.COMMUNITY_WORKER])
    ):
        return FiledMode.OFFICE
    if filer.person_id and filer.person.district_id == claimant.district_id:
        return FiledMode.WITNESS
    raise ClaimError(_("您不能为这位居民申报"))


@transaction.atomic
def claim_file(*, filer, data: ClaimInput, mode: str | None = None) -> DeedClaim:
    """File a deed claim; caps and evidence are checked now, with a message that says why."""
    claimant, rule = data.claimant, data.rule
    mode = mode or _mode_for(filer, claimant)
    if not rules_for(claimant.community, data.deed_date).filter(pk=rule.pk).exists():
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
    if len(data.photos) > MAX_PHOTOS:
        raise ClaimError(_("最多上传 %(n)d 张照片") % {"n": MAX_PHOTOS})
    points = points_for(rule, data.minutes)
    Person.objects.select_for_update().filter(pk=claimant.pk).first()  # one claimant's caps checked at a time
    _check_caps(claimant, rule, points, data.deed_date)
    cleaned = [clean_photo(p) for p in data.photos]
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
        state=ClaimState.SUBMITTED,
    )
    for photo in cleaned:
        ClaimPhoto.objects.create(claim=claim, image=photo)
    return claim


def volunteer_rule(district: Region) -> EarningRule:
    rule = (
        EarningRule.objects.filter(
            district=district, category=Category.VOLUNTEER, is_current=True, subdistrict__isnull=True
        )
        .order_by("code")
        .first()
    )
    if rule is None:
        raise ClaimError(_("本区还没有“志愿服务”积分规则，请先在积分规则中添加"))
    return rule


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
        rule = volunteer_rule(Region.objects.get(pk=person.district_id))
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


# ---------------------------------------------------------------- review


def can_review(user, claim: DeedClaim) -> str | None:
    """None if `user` may review `claim`, else the reason they may not."""
    scope = scope_for(user)
    if not any(r.pk == claim.community_id for r in scope.regions_for([Role.COMMUNITY_WORKER])):
        return _("只有申报人所在社区的工作人员可以审核")
    me = user.person
    if me is not None:
        if me.pk == claim.claimant_id:
            return _("不能审核自己的申报")
        if me.household_id and me.household_id == claim.claimant.household_id:
            return _("不能审核本户家庭成员的申报")
    if claim.filed_by_id == user.pk and claim.filed_mode != FiledMode.SELF:
        return _("代办或举荐的申报需要由另一位工作人员审核")
    if claim.reviews.filter(reviewer=user).exists():
        return _("您已经审核过这条申报，需要另一位工作人员复核")
    if claim.state not in (ClaimState.SUBMITTED, ClaimState.UNDER_REVIEW):
        return _("这条申报的状态是“%(s)s”，无需再审核") % {"s": claim.get_state_display()}
    return None


def notice_days() -> int:
    return settings.NOTICE_DAYS


@ledger.use_case()
def claim_review(*, reviewer, claim: DeedClaim, approve: bool, reason: str = "") -> DeedClaim:
    """Record one review; the last needed approval puts the award on notice as pending points."""
    claim = DeedClaim.objects.select_for_update().select_related("claimant", "rule").get(pk=claim.pk)
    refusal = can_review(reviewer, claim)
    if refusal:
        raise ClaimError(refusal)
    if not approve and not reason.strip():
        raise ClaimError(_("不通过时请写明原因，申报人会看到"))
    Review.objects.create(
        claim=claim, reviewer=reviewer, decision="approve" if approve else "reject", reason=reason.strip()
    )
    now = timezone.now()
    if not approve:
        claim.state, claim.reject_reason, claim.decided_at = ClaimState.REJECTED, reason.strip()[:200], now
        claim.save(update_fields=["state", "reject_reason", "decided_at"])
        return claim
    approvals = claim.reviews.filter(decision="approve").count()
    if approvals < claim.rule.reviews_needed(claim.points):
        claim.state = ClaimState.UNDER_REVIEW
        claim.save(update_fields=["state"])
        return claim
    wallet = ledger.wallet_for(claim.claimant)
    community = Region.objects.get(pk=claim.community_id)
    award = ledger.award(
        wallet=wallet,
        community=community,
        key=f"claim-{claim.pk}",
        amount=claim.points,
        reason=f"{claim.rule.name}：{claim.text[:60]}",
        operator=reviewer,
        cause=("bank.deedclaim", claim.pk),
        pending=True,
    )
    claim.state, claim.transfer, claim.decided_at = ClaimState.ON_NOTICE, award, now
    claim.save(update_fields=["state", "transfer", "decided_at"])
    Notice.objects.create(
        district_id=claim.district_id,
        community_id=claim.community_id,
        kind=Notice.Kind.AWARD,
        claim=claim,
        transfer=award,
        masked_name=claim.claimant.masked_name,
        title=f"{claim.rule.name}：{claim.text[:80]}",
        points=claim.points,
        starts_at=now,
        ends_at=now + dt.timedelta(days=notice_days()),
    )
    return claim


def claims_review_bulk(*, reviewer, claims, approve: bool = True, reason: str = "") -> tuple[int, list[str]]:
    """Review many claims (the normal case after an activity); each on its own, refusals listed."""
    done, refused = 0, []
    for claim in claims:
        try:
            claim_review(reviewer=reviewer, claim=claim, approve=approve, reason=reason)
            done += 1
        except ClaimError as exc:
            refused.append(f"{claim.claimant.name}（#{claim.pk}）：{exc}")
    return done, refused


# ---------------------------------------------------------------- objections


@transaction.atomic
def objection_file(*, user, notice: Notice, reason: str) -> Objection:
    """Any resident of the district may object while the notice period runs."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    person = user.person
    if person is None or person.district_id != notice.district_id:
        raise ClaimError(_("只有本区居民可以提出异议"))
    if (
        notice.kind != Notice.Kind.AWARD
        or notice.state != NoticeState.OPEN
        or timezone.now() >= notice.ends_at
    ):
        raise ClaimError(_("公示期已结束，不能再提出异议"))
    if len(reason.strip()) < 4:
        raise ClaimError(_("请写明异议理由（至少 4 个字），社区会逐条核实"))
    return Objection.objects.create(notice=notice, objector=user, reason=reason.strip())


@ledger.use_case()
def objection_decide(*, reviewer, objection: Objection, uphold: bool, reason: str) -> Objection:
    """Uphold (the award is voided) or dismiss; either way the reason is shown on the board."""
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("notice__claim__claimant")
        .get(pk=objection.pk)
    )
    if objection.state != ObjectionState.OPEN:
        raise ClaimError(_("这条异议已经处理过"))
    notice = objection.notice
    scope = scope_for(reviewer)
    if not any(r.pk == notice.community_id for r in scope.regions_for([Role.COMMUNITY_WORKER])):
        raise ClaimError(_("只有该社区的工作人员可以处理异议"))
    me = reviewer.person
    claimant = notice.claim.claimant if notice.claim else None
    if (
        me
        and claimant
        and (me.pk == claimant.pk or (me.household_id and me.household_id == claimant.household_id))
    ):
        raise ClaimError(_("不能处理涉及自己或本户家庭成员的异议"))
    if not reason.strip():
        raise ClaimError(_("请写明处理意见，公示栏会显示"))
    now = timezone.now()
    objection.state = ObjectionState.UPHELD if uphold else ObjectionState.DISMISSED
    objection.decided_by, objection.decision_reason, objection.decided_at = (
        reviewer,
        reason.strip()[:200],
        now,
    )
    objection.save()
    if uphold and notice.state == NoticeState.OPEN:
        ledger.void(notice.transfer)
        notice.state = NoticeState.VOIDED
        notice.save(update_fields=["state"])
        if notice.claim:
            DeedClaim.objects.filter(pk=notice.claim_id).update(state=ClaimState.VOIDED)
    audit(
        reviewer,
        "objection.uphold" if uphold else "objection.dismiss",
        objection,
        after={"reason": objection.decision_reason, "notice": notice.pk},
    )
    return objection


# ---------------------------------------------------------------- settling


def bank_settle(*, now: dt.datetime | None = None, checkpoint: bool = True) -> int:
    """Post every award whose notice ended with no objection open or upheld. Idempotent; cron-safe.

    Also keeps the transparency log's promise: every posted or voided transfer is in a
    signed checkpoint within `LEDGER_LOG_WITHIN_MINUTES` (cron runs this each minute).
    """
    now = now or timezone.now()
    due = list(
        Notice.objects.filter(kind=Notice.Kind.AWARD, state=NoticeState.OPEN, ends_at__lte=now)
        .exclude(objections__state=ObjectionState.OPEN)
        .values_list("id", "transfer_id", "district_id")
    )
    settled = 0
    for i in range(0, len(due), 500):
        settled += ledger.one_transaction(lambda chunk=due[i : i + 500]: _settle(chunk))
    if checkpoint:
        # Settled awards go into the log now; other final transfers once they have waited long enough.
        log.checkpoint_overdue(now=now, also={d for _n, _t, d in due} if settled else ())
    return settled


def _settle(chunk: list[tuple[int, int, int]]) -> int:
    notice_ids = list(
        Notice.objects.select_for_update()
        .filter(id__in=[n for n, _t, _d in chunk], state=NoticeState.OPEN)
        .values_list("id", flat=True)
    )
    transfer_ids = [t for n, t, _d in chunk if n in notice_ids]
    transfers = ledger.post_batch(transfer_ids)
    posted = {t.pk for t in transfers if t.state == TransferState.POSTED}
    ok = [n for n, t, _d in chunk if n in notice_ids and t in posted]
    Notice.objects.filter(id__in=ok).update(state=NoticeState.SETTLED)
    DeedClaim.objects.filter(notice__id__in=ok).update(state=ClaimState.CREDITED)
    return len(ok)
