"""Reads of a resident's wallet: the wallet itself and its entries (transfers seen from it)."""

from django.db.models import Q, QuerySet

from jiceng.bank import log
from jiceng.bank.models import Account, LogLeaf, Transfer
from jiceng.regions.models import Region


def wallet_get(person) -> Account | None:
    """The person's wallet, or None before their first points; `ledger.wallet_open` opens one."""
    return Account.objects.filter(person=person).first()


def entry_list(account: Account) -> QuerySet[Transfer]:
    """Every transfer into or out of `account`."""
    return Transfer.objects.filter(Q(debit=account) | Q(credit=account))


def entry_list_recent(account: Account, limit: int = 20) -> list[Transfer]:
    """The account's latest transfers, newest first, with the other side named."""
    rows = list(entry_list(account).select_related("debit", "credit").order_by("-id")[:limit])
    for t in rows:
        t.incoming = t.credit_id == account.pk
        t.signed_amount = t.amount if t.incoming else -t.amount
        t.other = t.debit if t.incoming else t.credit
    return rows


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
