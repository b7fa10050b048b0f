"""Reads of the ledger that pages need."""

from django.db.models import Q, QuerySet

from jiceng.bank.models import Account, Transfer


def wallet_of(person) -> Account | None:
    return Account.objects.filter(person=person).first()


def recent_entries(account: Account, limit: int = 20) -> list[Transfer]:
    """The account's latest transfers, newest first, with the other side named."""
    qs: QuerySet[Transfer] = (
        Transfer.objects.filter(Q(debit=account) | Q(credit=account))
        .select_related("debit", "credit")
        .order_by("-id")[:limit]
    )
    rows = list(qs)
    for t in rows:
        t.incoming = t.credit_id == account.pk
        t.signed_amount = t.amount if t.incoming else -t.amount
        t.other = t.debit if t.incoming else t.credit
    return rows
