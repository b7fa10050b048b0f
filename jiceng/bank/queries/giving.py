"""Reads of passing points on: residents in need, donations, and the community love pool."""

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from jiceng.bank.errors import GivingError
from jiceng.bank.models import Donation, PersonInNeed, Transfer, TransferState
from jiceng.bank.queries.wallets import entry_list
from jiceng.core.validators import phone_normalize
from jiceng.people.models import Person


def person_in_need_list(community) -> QuerySet[PersonInNeed]:
    """Residents the community named as in need, still on the list."""
    return PersonInNeed.objects.filter(community=community, is_active=True).select_related("person")


def person_in_need_list_for_donor(person) -> list[PersonInNeed]:
    """Whom a resident may give to: their community's list, without themselves."""
    return [n for n in person_in_need_list(person.community) if n.person_id != person.pk]


def donation_list_of(person, limit: int = 10) -> QuerySet[Donation]:
    """A resident's latest donations."""
    return Donation.objects.filter(donor=person).select_related("recipient__person")[:limit]


def resident_get_by_phone_or_name(*, community, who: str) -> Person:
    """A resident of `community` by mobile number or full name, or an error saying how to narrow it down."""
    who = (who or "").strip()
    if not who:
        raise GivingError(_("请填写居民的手机号或姓名"))
    found = list(
        Person.objects.filter(community=community, is_active=True).filter(
            Q(phone=phone_normalize(who)) | Q(name=who)
        )[:3]
    )
    if not found:
        raise GivingError(
            _("本社区没有手机号或姓名为「%(w)s」的在册居民，请核对，或先在“居民”里登记") % {"w": who}
        )
    if len(found) > 1:
        raise GivingError(_("本社区有不止一位叫「%(w)s」的居民，请改填手机号") % {"w": who})
    return found[0]


def recipient_get(*, community, need: PersonInNeed | None, who: str) -> Person:
    """Whom love-pool points go to: a resident on the list, or one found by mobile number or name."""
    return need.person if need is not None else resident_get_by_phone_or_name(community=community, who=who)


def pool_entry_list(pool, limit: int = 50) -> list[Transfer]:
    """The love pool's latest movements; the other side is shown by masked name."""
    if pool is None:
        return []
    rows = list(
        entry_list(pool)
        .exclude(state=TransferState.VOIDED)
        .select_related("debit__person", "credit__person")
        .order_by("-id")[:limit]
    )
    for t in rows:
        t.incoming = t.credit_id == pool.pk
        other = t.debit if t.incoming else t.credit
        t.other_name = other.person.masked_name if other.person_id else other.name
    return rows


def pool_totals_get(pool) -> dict:
    """Points given into the love pool and passed on from it, all time."""
    if pool is None:
        return {"received": 0, "passed_on": 0}
    posted = Transfer.objects.filter(state=TransferState.POSTED)
    return {
        "received": posted.filter(credit=pool).aggregate(n=Sum("amount"))["n"] or 0,
        "passed_on": posted.filter(debit=pool).aggregate(n=Sum("amount"))["n"] or 0,
    }
