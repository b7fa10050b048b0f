"""The Moral Bank's accounts: finding and opening them, and the per-process cache of their ids.

Nothing here moves points (only `ledger.py` does); `ledger` re-exports these names, so
services keep calling `ledger.wallet_id`, `ledger.love_pool` and the rest.
"""

from django.db import connection, transaction
from django.db.models.signals import post_migrate
from django.utils.translation import gettext as _

from jiceng.bank.models import UNCACHED_KINDS, Account, AccountKind
from jiceng.regions.models import Level, Region

_ACCOUNT_FIELDS = [f.attname for f in Account._meta.concrete_fields]


def _find_account(where: str, params: list) -> Account | None:
    """One account by a unique lookup, in one prepared-once SQL statement (the hot path of every use case)."""
    table = Account._meta.db_table
    columns = ", ".join(f.column for f in Account._meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE {where}", params)
        row = cursor.fetchone()
    return None if row is None else Account.from_db(connection.alias, _ACCOUNT_FIELDS, row)


# Account ids by owner, per process and per database: the hot path of every use case names
# its accounts without looking them up. Accounts are never deleted, so an id that was
# committed stays right; only committed ids enter (`transaction.on_commit`), so a rolled-back
# creation never does. A flush (which emits post_migrate) empties it, and so does a transfer
# that finds one of its accounts missing.
_ACCOUNT_IDS: dict[tuple, int] = {}


def _ids_key(*owner) -> tuple:
    return (connection.alias, connection.settings_dict.get("NAME"), *owner)


def _remember(key: tuple, account_id: int) -> None:
    transaction.on_commit(lambda: _ACCOUNT_IDS.__setitem__(key, account_id))


def accounts_forget(**_kwargs) -> None:
    """Empty the per-process cache of account ids (after a flush, or when an id went missing)."""
    _ACCOUNT_IDS.clear()


post_migrate.connect(accounts_forget, dispatch_uid="jiceng.bank.ledger.accounts_forget")


def _cached_id(owner: tuple, open_account) -> int:
    key = _ids_key(*owner)
    found = _ACCOUNT_IDS.get(key)
    if found is None:
        found = open_account().pk
        _remember(key, found)
    return found


def wallet_id(person) -> int:
    """The id of the person's wallet, opened if need be; no balances (use `wallet_open` to read them)."""
    return _cached_id(("wallet", person.pk), lambda: wallet_open(person))


def love_pool_id(community: Region) -> int:
    return _cached_id((AccountKind.LOVE_POOL, community.pk), lambda: love_pool(community))


def issuance_id(community: Region | int) -> int:
    """The community's issuance account id; `community` may be an id (the Region is loaded only to open it)."""
    pk = community if isinstance(community, int) else community.pk
    region = (lambda: Region.objects.get(pk=pk)) if isinstance(community, int) else (lambda: community)
    return _cached_id((AccountKind.ISSUANCE, pk), lambda: issuance_account(region()))


def partner_account_id(organization) -> int:
    return _cached_id((AccountKind.PARTNER, organization.pk), lambda: partner_account(organization))


def wallet_open(person) -> Account:
    found = _find_account("person_id = %s", [person.pk])
    if found is not None:
        return found
    account, _created = Account.objects.get_or_create(
        person=person,
        defaults={"district_id": person.district_id, "kind": AccountKind.WALLET, "name": person.name},
    )
    return account


def _district_of(region: Region) -> Region:
    return Region.objects.get(code=region.district_code)


def _community_account(community: Region, kind: str, name: str) -> Account:
    # A community lies in one district, so (kind, community) finds the one account.
    found = _find_account("kind = %s AND community_id = %s", [kind, community.pk])
    if found is not None:
        return found
    account, _created = Account.objects.get_or_create(
        district=_district_of(community), kind=kind, community=community, defaults={"name": name}
    )
    return account


def issuance_account(community: Region) -> Account:
    return _community_account(community, AccountKind.ISSUANCE, _("%(c)s 积分发行") % {"c": community.name})


def love_pool(community: Region) -> Account:
    return _community_account(community, AccountKind.LOVE_POOL, _("%(c)s 爱心池") % {"c": community.name})


def love_pool_find(community: Region) -> Account | None:
    """The community's love pool if it was ever opened; a page that only shows it opens nothing."""
    return _find_account("kind = %s AND community_id = %s", [AccountKind.LOVE_POOL, community.pk])


def partner_account(organization) -> Account:
    found = _find_account("kind = %s AND organization_id = %s", [AccountKind.PARTNER, organization.pk])
    if found is not None:
        return found
    account, _created = Account.objects.get_or_create(
        district_id=organization.district_id,
        kind=AccountKind.PARTNER,
        organization=organization,
        defaults={"name": organization.name},
    )
    return account


def district_account(district: Region, name: str) -> Account:
    assert district.level == Level.DISTRICT
    account, _created = Account.objects.get_or_create(district=district, kind=AccountKind.DISTRICT, name=name)
    return account


def balance(account: Account) -> tuple[int, int, int]:
    """(posted, pending_in, pending_out); summed from transfers for uncached accounts."""
    if account.kind not in UNCACHED_KINDS:
        account.refresh_from_db(fields=["posted", "pending_in", "pending_out"])
        return account.posted, account.pending_in, account.pending_out
    from jiceng.bank.verify import recompute

    sums = recompute(account.district_id, account_ids=[account.pk]).get(account.pk, (0, 0, 0))
    return sums
