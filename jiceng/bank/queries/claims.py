"""Reads of deed claims: who may review what, the review queue, a resident's own claims, claimants."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from jiceng.bank.models import ClaimState, DeedClaim, FiledMode
from jiceng.core.models import Role
from jiceng.core.scope import scope_for, scoped
from jiceng.core.validators import phone_normalize
from jiceng.people.models import Person
from jiceng.regions.models import Level

REVIEW_PAGE = 200


def claim_can_review(user, claim: DeedClaim) -> str | None:
    """None if `user` may review `claim`, else the reason they may not."""
    if not scope_for(user).works_in(claim.community_id):
        return _("只有申报人所在社区的工作人员可以审核")
    me = user.person
    if me is not None:
        if me.pk == claim.claimant_id:
            return _("不能审核自己的申报")
        if me.household_id and me.household_id == claim.claimant.household_id:
            return _("不能审核本户家庭成员的申报")
    if claim.filed_by_id == user.pk and claim.filed_mode != FiledMode.SELF:
        return _("代办或举荐的申报需要由另一位工作人员审核")
    if _reviewed_by(claim, user):
        return _("您已经审核过这条申报，需要另一位工作人员复核")
    if claim.state not in (ClaimState.SUBMITTED, ClaimState.UNDER_REVIEW):
        return _("这条申报的状态是“%(s)s”，无需再审核") % {"s": claim.get_state_display()}
    return None


def _reviewed_by(claim: DeedClaim, user) -> bool:
    """Whether `user` reviewed `claim`: from the prefetched reviews of a listed claim (one query for the
    whole queue, not one per claim), else asked of the database (a review locks the claim first).
    A claim still `submitted` has no review by anyone: every review moves it on (under review,
    rejected, or on notice), and nothing moves a claim back, so the common case asks nothing."""
    if claim.state == ClaimState.SUBMITTED:
        return False
    prefetched = getattr(claim, "_prefetched_objects_cache", {}).get("reviews")
    if prefetched is not None:
        return any(r.reviewer_id == user.pk for r in prefetched)
    return claim.reviews.filter(reviewer=user).exists()


def _waiting(user) -> QuerySet[DeedClaim]:
    return scoped(
        user,
        DeedClaim.objects.filter(state__in=[ClaimState.SUBMITTED, ClaimState.UNDER_REVIEW]),
        region="community",
        roles=[Role.COMMUNITY_WORKER],
    )


def claim_list_for_review(user) -> list[DeedClaim]:
    """Claims waiting in the worker's communities, oldest first, each with `refusal` (None: may review)."""
    claims = list(
        _waiting(user)
        .select_related("claimant", "rule", "diary_entry", "filed_by")
        .prefetch_related("photos", "reviews__reviewer")
        .order_by("created_at")[:REVIEW_PAGE]
    )
    for c in claims:
        c.refusal = claim_can_review(user, c)
    return claims


def claim_list_chosen_for_review(user, ids: list[str]) -> list[DeedClaim]:
    """The waiting claims among the ticked `ids` (as posted); anything else is ignored."""
    return list(_waiting(user).filter(pk__in=[i for i in ids if i.isdigit()]).select_related("claimant"))


def claim_list_mine(user) -> QuerySet[DeedClaim]:
    """Claims the user made or was put forward for, newest first."""
    return DeedClaim.objects.filter(Q(claimant=user.person) | Q(filed_by=user)).select_related(
        "rule", "notice", "claimant"
    )[:100]


def neighbour_get_by_phone(*, person: Person, phone: str) -> Person | None:
    """Someone else of `person`'s subdistrict with this mobile number (a witness finds whom to put forward).

    Neighbours of the same subdistrict only, so the form can't probe the whole district's numbers.
    """
    return (
        Person.objects.filter(
            person.community.subtree_q("community", level=Level.SUBDISTRICT),
            phone=phone_normalize(phone),
            is_active=True,
        )
        .exclude(pk=person.pk)
        .first()
    )


def resident_list_for_office(user, q: str) -> list[Person]:
    """Residents of the worker's communities whose name contains `q` (office mode's search)."""
    if not q:
        return []
    people = scoped(
        user, Person.objects.filter(is_active=True), region="community", roles=[Role.COMMUNITY_WORKER]
    )
    return list(people.filter(name__contains=q)[:20])
