"""The Moral Alliance (道德联盟): partners, the rewards they publish, and redemptions.

A redemption holds the resident's points with a *pending* ledger transfer (wallet →
partner account) and issues a voucher with a short code. The partner collects it
(transfer posted); a cancelled or expired voucher gives the points back (voided).

Locks are always taken in one order, so two transactions never wait on each other
in a cycle: the Reward row, then the Redemption row, then (inside the ledger) the
accounts in id order. On SQLite the IMMEDIATE transaction serialises writers instead.
"""

import datetime as dt
import re
import secrets
import uuid

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.bank import ledger
from jiceng.bank.errors import RewardError
from jiceng.bank.models import (
    AlliancePartner,
    PartnerState,
    Redemption,
    RedemptionState,
    Reward,
    TransferKind,
)
from jiceng.bank.queries.rewards import normalise_code, redemption_get_by_code
from jiceng.core.audit import audit, snapshot
from jiceng.core.models import Role
from jiceng.core.scope import scope_for
from jiceng.orgs.models import Kind, Organization
from jiceng.regions.models import Level

# No 0/O, 1/I/L: a code read aloud over a counter or typed by an elderly person stays unambiguous.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
VOUCHER_DAYS = 14  # a voucher lasts this long, and never beyond the reward's last day
REWARD_FIELDS = (
    "name",
    "description",
    "points_price",
    "stock",
    "per_person_limit",
    "valid_from",
    "valid_to",
    "place",
    "is_active",
)


# ---------------------------------------------------------------- partners


def _subdistrict_of(organization):
    region = organization.region
    if region.level == Level.COMMUNITY:
        return region.parent
    if region.level == Level.SUBDISTRICT:
        return region
    raise RewardError(
        _("单位「%(o)s」登记在%(l)s级，请先请街道把单位的所在区划改到街道或社区，再申请加入道德联盟")
        % {"o": organization.name, "l": region.get_level_display()}
    )


@transaction.atomic
def partner_apply(
    *,
    user,
    organization,
    address: str,
    contact_name: str,
    contact_phone: str,
    lon: float | None = None,
    lat: float | None = None,
    request=None,
) -> AlliancePartner:
    """A unit applies (or, after a rejection, applies again) to join the Moral Alliance."""
    if organization.pk not in scope_for(user).org_ids:
        raise RewardError(_("只能为本人所在的单位申请"))
    if organization.kind == Kind.PARTY:
        raise RewardError(_("党组织不能作为道德联盟单位，请用驻区单位或商户的名义申请"))
    if not (address.strip() and contact_name.strip() and contact_phone.strip()):
        raise RewardError(_("请填写兑换地点、联系人和联系电话"))
    if (lon is None) != (lat is None):
        raise RewardError(_("经度和纬度要么都填，要么都不填"))
    subdistrict = _subdistrict_of(organization)
    fields = {
        "district_id": organization.district_id,
        "subdistrict": subdistrict,
        "address": address.strip(),
        "contact_name": contact_name.strip(),
        "contact_phone": contact_phone.strip(),
        "lon": lon,
        "lat": lat,
        "applied_by": user,
        "state": PartnerState.APPLIED,
        "decided_by": None,
        "decision_reason": "",
        "decided_at": None,
    }
    partner = AlliancePartner.objects.select_for_update().filter(organization=organization).first()
    before = snapshot(partner) if partner else None
    if partner is None:
        partner = AlliancePartner.objects.create(organization=organization, **fields)
    elif partner.state in (PartnerState.APPROVED, PartnerState.SUSPENDED):
        raise RewardError(
            _("本单位的状态是“%(s)s”，无需再次申请；如需修改兑换地点或联系人，请联系街道")
            % {"s": partner.get_state_display()}
        )
    else:
        for name, value in fields.items():
            setattr(partner, name, value)
        partner.applied_at = timezone.now()
        partner.save()
    audit(user, "alliance.apply", partner, before=before, after=snapshot(partner), request=request)
    return partner


# Which decisions are allowed from which state, and whether a reason is required.
_DECISIONS = {
    "approve": ({PartnerState.APPLIED, PartnerState.SUSPENDED}, PartnerState.APPROVED, False),
    "reject": ({PartnerState.APPLIED}, PartnerState.REJECTED, True),
    "suspend": ({PartnerState.APPROVED}, PartnerState.SUSPENDED, True),
}


@transaction.atomic
def partner_decide(*, user, partner: AlliancePartner, decision: str, reason: str = "", request=None):
    """The subdistrict (or district) approves, rejects, suspends or reinstates a partner."""
    scope = scope_for(user)
    if not scope.has(Role.SUBDISTRICT_ADMIN, Role.DISTRICT_ADMIN) or not scope.covers(partner.subdistrict):
        raise RewardError(_("只有单位所在街道或区里的管理员才能审批"))
    if decision not in _DECISIONS:
        raise RewardError(_("未知的审批操作"))
    allowed, target, needs_reason = _DECISIONS[decision]
    partner = AlliancePartner.objects.select_for_update().get(pk=partner.pk)
    if partner.state not in allowed:
        raise RewardError(
            _("该单位当前状态为「%(s)s」，不能执行这个操作，请刷新页面后再看")
            % {"s": partner.get_state_display()}
        )
    if needs_reason and not reason.strip():
        raise RewardError(_("请写明原因，单位会看到这条意见"))
    before = snapshot(partner)
    partner.state = target
    partner.decided_by = user
    partner.decision_reason = reason.strip()[:200]
    partner.decided_at = timezone.now()
    partner.save(update_fields=["state", "decided_by", "decision_reason", "decided_at"])
    ledger.partner_account(partner.organization)  # open the account now, outside any redemption
    audit(user, f"alliance.{decision}", partner, before=before, after=snapshot(partner), request=request)
    return partner


# ---------------------------------------------------------------- rewards


def _check_reward(partner: AlliancePartner, fields: dict) -> None:
    if partner.rewards_suspended_reason:
        raise RewardError(
            _("本单位已被暂停发布兑换物品（%(r)s），须由所在街道恢复后才能发布")
            % {"r": partner.rewards_suspended_reason}
        )
    if partner.state != PartnerState.APPROVED:
        raise RewardError(
            _("本单位还没有通过道德联盟审批（当前：%(s)s），暂不能发布兑换物品")
            % {"s": partner.get_state_display()}
        )
    if not str(fields.get("name", "")).strip():
        raise RewardError(_("请填写物品或服务的名称"))
    if not str(fields.get("place", "")).strip():
        raise RewardError(_("请填写兑换地点，居民要知道去哪里领"))
    if int(fields["points_price"]) < 1:
        raise RewardError(_("所需积分至少为 1 分"))
    if int(fields["per_person_limit"]) < 1:
        raise RewardError(_("每人限兑至少为 1 份"))
    if fields["valid_to"] < fields["valid_from"]:
        raise RewardError(_("结束日期不能早于开始日期"))


@transaction.atomic
def reward_create(*, user, partner: AlliancePartner, request=None, **fields) -> Reward:
    """Publish a good or a service that residents can redeem with points."""
    fields = {k: v for k, v in fields.items() if k in REWARD_FIELDS}
    partner = AlliancePartner.objects.get(pk=partner.pk)  # its state and suspension as stored now
    fields.setdefault("place", partner.address)
    _check_reward(partner, fields)
    reward = Reward.objects.create(district_id=partner.district_id, partner=partner, **fields)
    audit(user, "alliance.reward_create", reward, after=snapshot(reward), request=request)
    return reward


@transaction.atomic
def reward_update(*, user, reward: Reward, request=None, **fields) -> Reward:
    """Edit a reward, or take it off the shelf (`is_active=False`); vouchers already issued stay valid."""
    reward = Reward.objects.select_for_update().select_related("partner").get(pk=reward.pk)
    before = snapshot(reward)
    for name, value in fields.items():
        if name in REWARD_FIELDS:
            setattr(reward, name, value)
    if reward.is_active:
        _check_reward(reward.partner, {f: getattr(reward, f) for f in REWARD_FIELDS})
    reward.save()
    audit(user, "alliance.reward_update", reward, before=before, after=snapshot(reward), request=request)
    return reward


# ---------------------------------------------------------------- redemptions


def request_key(prefix: str, owner_id: int, request_id: str) -> str:
    """A ledger idempotency key from a form's one-time id, scoped to its owner.

    A missing or malformed id (a hand-made request) gets a fresh one: no replay, but
    also no way to reach someone else's transfer by guessing their id.
    """
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", request_id or ""):
        request_id = uuid.uuid4().hex
    return f"{prefix}-{owner_id}-{request_id}"


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def _voucher_expiry(reward: Reward, now: dt.datetime) -> dt.datetime:
    last_day = timezone.make_aware(dt.datetime.combine(reward.valid_to + dt.timedelta(days=1), dt.time.min))
    return min(now + dt.timedelta(days=VOUCHER_DAYS), last_day)


def _redemption_made(*, person, request_id: str, **_fields) -> Redemption | None:
    key = request_key("redeem", person.pk, request_id)
    return Redemption.objects.filter(district_id=person.district_id, person=person, transfer__key=key).first()


# A code drawn twice at the same moment (odds about 1 in 10^12) is a unique violation
# that finds no voucher to replay, so the use case runs again and draws another.
@ledger.use_case(replay=_redemption_made)
def redemption_create(
    *, person, reward: Reward, request_id: str, now: dt.datetime | None = None
) -> Redemption:
    """Hold the points for a reward and issue a voucher; replaying `request_id` returns the same voucher.

    Stock, the per-person limit and the wallet are checked and changed in one
    transaction under the Reward row's lock, so the last item is never sold twice.
    """
    return _redeem(person, reward, request_key("redeem", person.pk, request_id), now or timezone.now())


# What a redemption reads of the reward it locks, and of its partner and organisation (not locked).
_REWARD_READ = (
    "id",
    "partner_id",
    "name",
    "points_price",
    "stock",
    "per_person_limit",
    "valid_from",
    "valid_to",
)
_REWARD_READ += ("place", "is_active")
_REWARD_PARENTS = (
    ("partner", AlliancePartner, ("id", "district_id", "organization_id", "state", "address")),
    ("partner.organization", Organization, ("id", "name", "district_id")),
)


def _redeem(person, reward: Reward, key: str, now: dt.datetime) -> Redemption:
    # The reward locked (only its row) with its partner and organisation, in one statement.
    reward = ledger.row_locked(Reward, reward.pk, _REWARD_READ, _REWARD_PARENTS)
    partner = reward.partner
    if partner.district_id != person.district_id:
        raise RewardError(_("只能兑换本区道德联盟单位的物品"))
    if partner.state != PartnerState.APPROVED or not reward.is_active:
        raise RewardError(_("「%(r)s」已下架，请看看其他物品") % {"r": reward.name})
    today = timezone.localdate(now)
    if today < reward.valid_from:
        raise RewardError(
            _("「%(r)s」%(d)s 起才能兑换，请到时再来")
            % {"r": reward.name, "d": f"{reward.valid_from:%Y-%m-%d}"}
        )
    if today > reward.valid_to:
        raise RewardError(_("「%(r)s」的兑换期已经结束，请看看其他物品") % {"r": reward.name})
    if reward.stock <= 0:
        raise RewardError(_("「%(r)s」已经兑完了，请看看其他物品") % {"r": reward.name})
    # The voucher and the stock ride in the ledger's statement, which runs after the lock. The
    # per-person limit is the voucher's guard, counted in that statement: on PostgreSQL a
    # statement that waited for the lock still reads with the snapshot it started with, so a
    # count taken in the locking SELECT would miss the voucher that the request holding the
    # lock just committed. The code's uniqueness is the database's: a code drawn twice is a
    # unique violation that finds no voucher to replay, so the use case runs again.
    code, expires_at = _new_code(), _voucher_expiry(reward, now)
    voucher = ledger.Row(
        Redemption,
        {
            "district_id": person.district_id,
            "reward_id": reward.pk,
            "partner_id": partner.pk,
            "person_id": person.pk,
            "points": reward.points_price,
            "code": code,
            "state": RedemptionState.PENDING,
            "expires_at": expires_at,
            "created_at": now,
            "cancelled_by_resident": False,
        },
        guard=_TAKEN_BELOW,
        guard_params=(
            reward.pk,
            person.pk,
            RedemptionState.PENDING,
            RedemptionState.COLLECTED,
            reward.per_person_limit,
        ),
    )
    stock = ledger.Row(Reward, {}, adds={"stock": -1}, transfer=None, pk=reward.pk)
    try:
        hold, (made, _stock) = ledger.transfer_with(
            [voucher, stock],
            district=person.district_id,
            pending=True,
            key=key,
            debit=ledger.wallet_id(person),
            credit=ledger.partner_account_id(partner.organization),
            amount=reward.points_price,
            kind=TransferKind.REDEMPTION,
            reason=_("兑换：%(r)s（%(p)s）") % {"r": reward.name, "p": partner.organization.name},
            cause_type="bank.reward",
            cause_id=str(reward.pk),
        )
    except ledger.InsufficientPoints as exc:
        raise RewardError(
            _(
                "积分不够：兑换「%(r)s」需要 %(need)d 分，您现在可用 %(have)d 分。多做好事、多参加志愿服务就能攒积分。"
            )
            % {"r": reward.name, "need": reward.points_price, "have": exc.available}
        ) from None
    if made is None:  # the guard: the limit is reached (the use case rolls back the hold)
        taken = Redemption.objects.filter(
            reward=reward, person=person, state__in=[RedemptionState.PENDING, RedemptionState.COLLECTED]
        ).count()
        raise RewardError(
            _("「%(r)s」每人限兑 %(n)d 份，您已经兑换了 %(t)d 份")
            % {"r": reward.name, "n": reward.per_person_limit, "t": taken}
        )
    reward.stock -= 1
    # The voucher as the statement wrote it, built positionally as a query builds a row (in the
    # model's field order, so a field added later is a KeyError here), with its rows in hand.
    values = {
        "id": made[0],
        "district_id": person.district_id,
        "reward_id": reward.pk,
        "partner_id": partner.pk,
        "person_id": person.pk,
        "points": reward.points_price,
        "code": code,
        "state": RedemptionState.PENDING,
        "transfer_id": hold.pk,
        "expires_at": expires_at,
        "created_at": now,
        "resolved_at": None,
        "collected_by_id": None,
        "cancelled_by_id": None,
        "cancelled_by_resident": False,
    }
    made = Redemption.from_db(DEFAULT_DB_ALIAS, _MADE, [values[name] for name in _MADE])
    for name, value in (("reward", reward), ("partner", partner), ("person", person), ("transfer", hold)):
        Redemption._meta.get_field(name).set_cached_value(made, value)
    return made


_MADE = tuple(f.attname for f in Redemption._meta.concrete_fields)


# The voucher's guard: fewer pending or collected vouchers of this reward for this person than the limit.
_TAKEN_BELOW = (
    f"(SELECT count(*) FROM {Redemption._meta.db_table} z WHERE z.reward_id = %s AND z.person_id = %s "
    "AND z.state IN (%s, %s)) < %s"
)


def _lock(pk: int, reward_id: int) -> Redemption:
    """Lock the reward, then the voucher (the one lock order used everywhere)."""
    list(Reward.objects.select_for_update().filter(pk=reward_id))
    return Redemption.objects.select_for_update().select_related("reward", "transfer").get(pk=pk)


def _give_back(r: Redemption, state: str, now: dt.datetime) -> None:
    """Void the hold, put the item back in stock, and close the voucher; the caller holds the locks."""
    ledger.void(r.transfer)
    Reward.objects.filter(pk=r.reward_id).update(stock=F("stock") + 1)
    r.state, r.resolved_at = state, now
    r.save(update_fields=["state", "resolved_at"])


def _closed_message(r: Redemption) -> str:
    when = timezone.localtime(r.resolved_at).strftime("%Y-%m-%d %H:%M") if r.resolved_at else ""
    if r.state == RedemptionState.COLLECTED:
        return _("这张兑换券已于 %(t)s 领取过，不能重复领取") % {"t": when}
    if r.state == RedemptionState.CANCELLED:
        return _("这张兑换券已经取消，积分已退回，请居民重新兑换")
    return _("这张兑换券已经过期，积分已退回，请居民重新兑换")


def redemption_collect(
    *, user, partner: AlliancePartner, code: str, now: dt.datetime | None = None
) -> Redemption:
    """The partner hands over the reward: the held points are posted to the partner.

    A pending voucher of this partner, within its time, is found, locked, posted and closed
    in the ledger's one statement. Anything else (no such code, another partner's voucher,
    one already closed or expired) takes the long way, which says what is wrong; an expired
    voucher is refused there and its points go back to the resident at once.
    """
    now = now or timezone.now()
    wanted = normalise_code(code)
    if wanted:
        # One statement finds, posts and closes the voucher: on PostgreSQL the whole transaction.
        r = ledger.one_transaction(lambda: _collect_at_once(partner, wanted, user, now), one_statement=True)
        if r is not None:
            return r
    found = redemption_get_by_code(partner=partner, code=code)
    r, expired = ledger.one_transaction(lambda: _collect(found, user, now))
    if expired:
        raise RewardError(
            _("这张兑换券已于 %(t)s 过期，不能领取。积分已退回居民账户，请居民重新兑换。")
            % {"t": timezone.localtime(r.expires_at).strftime("%Y-%m-%d %H:%M")}
        )
    return r


_REDEMPTION_FIELDS = tuple(f.attname for f in Redemption._meta.concrete_fields)
_COLLECTABLE = (
    "y.district_id = %s AND y.code = %s AND y.partner_id = %s AND y.state = %s AND y.expires_at > %s"
)


def _collect_at_once(partner: AlliancePartner, code: str, user, now: dt.datetime) -> Redemption | None:
    """The voucher locked (only its row: posting does not touch the reward's stock), its hold posted
    and the voucher closed, in one statement; None when no collectable voucher has that code."""
    find = ledger.Find(
        Redemption, _COLLECTABLE, (partner.district_id, code, partner.pk, RedemptionState.PENDING, now)
    )
    close = ledger.Row(
        Redemption,
        {
            "state": RedemptionState.COLLECTED,
            "resolved_at": now,
            "collected_by_id": getattr(user, "pk", None),
        },
        match=True,
        returning=_REDEMPTION_FIELDS,
    )
    posted, (row,) = ledger.post_found(find, [close])
    if not posted:
        return None
    r = Redemption.from_db(connection.alias, _REDEMPTION_FIELDS, row)
    r.transfer = posted[0]
    return r


def _collect(found: Redemption, user, now: dt.datetime) -> tuple[Redemption, bool]:
    r = _lock(found.pk, found.reward_id)
    if r.state != RedemptionState.PENDING:
        raise RewardError(_closed_message(r))
    expired = r.expires_at <= now
    if expired:
        _give_back(r, RedemptionState.EXPIRED, now)
    else:
        ledger.post(r.transfer)
        r.state, r.resolved_at, r.collected_by = RedemptionState.COLLECTED, now, user
        r.save(update_fields=["state", "resolved_at", "collected_by"])
    return r, expired


@ledger.use_case()
def redemption_cancel(*, redemption: Redemption, user, now: dt.datetime | None = None) -> Redemption:
    """The resident (or the partner) cancels a voucher not yet collected; the points come back."""
    r = _lock(redemption.pk, redemption.reward_id)
    if r.state != RedemptionState.PENDING:
        raise RewardError(_closed_message(r))
    _give_back(r, RedemptionState.CANCELLED, now or timezone.now())
    r.cancelled_by = user
    r.cancelled_by_resident = user is not None and getattr(user, "person_id", None) == r.person_id
    r.save(update_fields=["cancelled_by", "cancelled_by_resident"])
    return r


def redemptions_expire(*, now: dt.datetime | None = None, person=None, partner=None, district=None) -> int:
    """Close every pending voucher past its expiry and give its points back; returns how many.

    Idempotent and safe to run from cron while people redeem: each voucher is
    re-checked under its locks, so a voucher collected a moment earlier is left alone.
    """
    now = now or timezone.now()
    due = Redemption.objects.filter(state=RedemptionState.PENDING, expires_at__lte=now)
    if person is not None:
        due = due.filter(person=person)
    if partner is not None:
        due = due.filter(partner=partner)
    if district is not None:
        due = due.filter(district=district)
    done = 0
    for pk, reward_id in list(due.order_by("pk").values_list("pk", "reward_id")):
        done += ledger.one_transaction(lambda pk=pk, reward_id=reward_id: _expire(pk, reward_id, now))
    return done


def _expire(pk: int, reward_id: int, now: dt.datetime) -> int:
    r = _lock(pk, reward_id)
    if r.state == RedemptionState.PENDING and r.expires_at <= now:
        _give_back(r, RedemptionState.EXPIRED, now)
        return 1
    return 0


# ---------------------------------------------------------------- suspension from publishing


@transaction.atomic
def partner_rewards_suspend(*, partner: AlliancePartner, reason: str, by, on: dt.date | None = None):
    """Stop a partner from publishing rewards (the assessment calls this for a low honour rate)."""
    partner = AlliancePartner.objects.select_for_update().get(pk=partner.pk)
    if not reason.strip():
        raise RewardError(_("请写明暂停的原因"))
    partner.rewards_suspended_reason = reason.strip()[:300]
    partner.rewards_suspended_on = on or timezone.localdate()
    partner.save(update_fields=["rewards_suspended_reason", "rewards_suspended_on"])
    audit(by, "alliance.partner_rewards_suspend", partner)
    return partner


@transaction.atomic
def partner_rewards_reinstate(*, partner: AlliancePartner, by) -> AlliancePartner:
    """The partner's subdistrict lets it publish rewards again."""
    partner = AlliancePartner.objects.select_for_update().get(pk=partner.pk)
    if not partner.rewards_suspended_reason:
        raise RewardError(_("该单位没有被暂停发布兑换物品"))
    grants = scope_for(by).grants
    if not any(
        (role == Role.SUBDISTRICT_ADMIN and region.pk == partner.subdistrict_id)
        or role == Role.DISTRICT_ADMIN
        for role, region in grants
    ):
        raise RewardError(_("只有该单位所在街道才能恢复其发布兑换物品"))
    partner.rewards_suspended_reason = ""
    partner.rewards_suspended_on = None
    partner.save(update_fields=["rewards_suspended_reason", "rewards_suspended_on"])
    audit(by, "alliance.partner_rewards_reinstate", partner)
    return partner
