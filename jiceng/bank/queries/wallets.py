"""Reads of a resident's wallet: the wallet itself and its entries (transfers seen from it)."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from jiceng.bank import log
from jiceng.bank.models import Account, AccountKind, LogLeaf, Transfer, TransferKind, TransferState
from jiceng.regions.models import Region


def wallet_get(person) -> Account | None:
    """The person's wallet, or None before their first points; `ledger.wallet_open` opens one."""
    return Account.objects.filter(person=person).first()


def entry_list(account: Account) -> QuerySet[Transfer]:
    """Every transfer into or out of `account`."""
    return Transfer.objects.filter(Q(debit=account) | Q(credit=account))


def entry_list_recent(account: Account, limit: int = 20, before: int | None = None) -> list[Transfer]:
    """The account's latest transfers (older than the id `before`, when given), newest first, with the
    other side named.

    Each entry also reads as a person would say it (`entry_describe`): `line`, `status`,
    and `moved`, the points it actually moved (0 for a voided entry: nothing was taken).
    """
    # The newest ids from each side's own index (transfer_debit_recent, transfer_credit_recent), then
    # those rows: asked as one OR with ORDER BY id LIMIT, PostgreSQL may walk the whole ledger
    # backwards by id looking for the account (4 s at 20M transfers).
    sides = [
        list(
            Transfer.objects.filter(**{side: account}, **({"id__lt": before} if before else {}))
            .order_by("-id")
            .values_list("id", flat=True)[:limit]
        )
        for side in ("debit", "credit")
    ]
    ids = sorted(set(sides[0]) | set(sides[1]), reverse=True)[:limit]
    rows = list(
        Transfer.objects.filter(id__in=ids)
        .select_related("debit__person", "credit__person", "redemption")
        .order_by("-id")
    )
    for t in rows:
        t.incoming = t.credit_id == account.pk
        t.signed_amount = t.amount if t.incoming else -t.amount
        t.other = t.debit if t.incoming else t.credit
        entry_describe(t)
    return rows


def _party(account: Account) -> str:
    """The other side of an entry as a resident may see it: a person's masked name, else the account's name."""
    return (
        account.person.masked_name if account.kind == AccountKind.WALLET and account.person else account.name
    )


def _what(t: Transfer) -> str:
    """What happened, and with whom, from the wallet's side (the stored reason may be worded for the other side)."""
    other = _party(t.other)
    if t.kind == TransferKind.DONATION:
        if t.incoming:
            return _("%(who)s 赠予您的爱心积分") % {"who": other}
        if t.other.kind == AccountKind.LOVE_POOL:
            return _("您捐入%(pool)s的积分") % {"pool": other}
        return _("您赠予 %(who)s 的爱心积分") % {"who": other}
    if t.kind == TransferKind.REDEMPTION and not t.incoming:
        return _("您用积分%(what)s") % {"what": t.reason}
    if t.kind == TransferKind.AWARD and t.incoming:
        return _("善行奖励：%(r)s") % {"r": t.reason}
    if t.kind == TransferKind.REVERSAL:
        return (_("冲正退回给您：%(r)s") if t.incoming else _("冲回：%(r)s")) % {"r": t.reason}
    return t.reason


def _status(t: Transfer) -> str:
    if t.state == TransferState.POSTED:
        return _("已到账") if t.incoming else _("已扣除")
    if t.state == TransferState.PENDING:
        if t.incoming:
            return _("公示中，公示期满后到账") if t.kind == TransferKind.AWARD else _("待到账")
        return _("积分已冻结，领取时才扣除") if t.kind == TransferKind.REDEMPTION else _("积分已冻结")
    if t.incoming:
        return _("已作废，这笔积分没有到账")
    redemption = getattr(t, "redemption", None) if t.kind == TransferKind.REDEMPTION else None
    if redemption is not None:
        return _("兑换券%(s)s，积分已全部退回，没有扣分") % {"s": redemption.get_state_display()}
    return _("已作废，积分已全部退回，没有扣分")


def entry_describe(t: Transfer) -> Transfer:
    """Set `line` (what happened, to whom), `status` (where the points are) and `moved` on an entry."""
    t.line = _what(t)
    t.status = _status(t)
    t.moved = 0 if t.state == TransferState.VOIDED else t.signed_amount
    return t


def entry_ids_in_log(account: Account, entries: list[Transfer]) -> set[int]:
    """Which of `entries` the latest signed checkpoint covers, so a proof can be downloaded for them."""
    if not entries:
        return set()
    latest = log.latest_checkpoint(Region.objects.get(pk=account.district_id))
    return set(
        LogLeaf.objects.filter(
            transfer__in=[t.pk for t in entries], index__lt=latest.size if latest else 0
        ).values_list("transfer_id", flat=True)
    )
