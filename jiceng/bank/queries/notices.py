"""Reads of the public notice board: which boards a user may open, and what is on one."""

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Subquery

from jiceng.bank.models import Category, Notice, Objection, ObjectionState, Transfer, TransferKind
from jiceng.core.models import Role
from jiceng.core.redact import redact
from jiceng.core.scope import scope_for
from jiceng.regions.models import Level, Region

BOARD_LEVELS = [Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY]


def notice_days() -> int:
    """How long an award stays on the board, open to objections, before it is posted."""
    return settings.NOTICE_DAYS


def notice_heading(rule) -> str:
    """The category and the rule, as the board names an award; once when they read the same."""
    # The enum's label, not `get_category_display()`, which hashes every lazy choice on each call
    # (nor `Category.values`, which builds the list of choices anew).
    try:
        category = str(Category(rule.category).label)
    except ValueError:
        category = rule.category
    return rule.name if category == rule.name else f"{category} · {rule.name}"


def notice_title_for(*, rule, text: str, text_public: bool) -> str:
    """What the board says of an award: the category and the rule, and the claimant's words
    only when they chose to show them (phones and ID numbers in them hidden).

    The claim form's preview (`bank/claims/_preview.html` and `claim_preview.js`) shows the same.
    """
    title = notice_heading(rule)
    if text_public and text.strip():
        title += f"：{redact(text.strip())[:80]}"
    return title


def claim_preview(*, form, claimant, text: str | None = None) -> dict:
    """What the public will see of this claim, for the preview beside the form.

    `rules` carries each choice's category, name and points for `claim_preview.js`, which
    redraws the preview as the resident picks; the first render (and any re-render after an
    error) is the server's, from `notice_title_for`.
    """
    data = form.data if form.is_bound else {}
    rules = list(form.fields["rule"].queryset)
    for r in rules:
        r.notice_heading = notice_heading(r)
    chosen = next((r for r in rules if str(r.pk) == str(data.get("rule", ""))), None)
    words = text if text is not None else str(data.get("text", ""))
    public = data.get("text_public") in ("on", "true", "1", True)
    return {
        "masked_name": claimant.masked_name if claimant else "",
        "rules": rules,
        "rule": chosen,
        "text": redact(words.strip())[:80],
        "text_public": public,
        "title": notice_title_for(rule=chosen, text=words, text_public=public) if chosen else "",
        "fixed_text": text is not None,
    }


def board_region_get(user, code: str) -> Region | None:
    """The board region with `code`, if the user may open it: boards are open to everyone of the same district.

    Names on a board are masked, so the whole district may read it (and object).
    """
    region = Region.objects.filter(code=code, level__in=BOARD_LEVELS).first()
    person = user.person
    district_codes = {r.district_code for r in scope_for(user).regions if r.district_code}
    if person is not None:
        district_codes.add(person.community.district_code)
    if region is None or region.district_code not in district_codes:
        return None
    return region


def board_region_public(code: str) -> Region | None:
    """Any board: 公示 means anyone may read it, signed in or not (names are masked, no contact details)."""
    return Region.objects.filter(code=code, level__in=BOARD_LEVELS, is_active=True).first()


_SHORT_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def board_short_code(region: Region) -> str:
    """The board's code for a printed poster: the 12-digit region code in base 36 (8 characters)."""
    n, out = int(region.code), ""
    while n:
        n, r = divmod(n, 36)
        out = _SHORT_ALPHABET[r] + out
    return out or "0"


def board_region_by_short(short: str) -> Region | None:
    short = (short or "").strip().lower()
    if not short or len(short) > 9 or any(c not in _SHORT_ALPHABET for c in short):
        return None
    return board_region_public(f"{int(short, 36):012d}")


def board_region_home(user) -> Region | None:
    """The board a user lands on: a resident's own community, a staff member's own region."""
    scope = scope_for(user)
    person = user.person
    if scope.primary_role == Role.RESIDENT and person is not None:
        return person.community
    return scope.primary_region or (person.community if person else None)


def notice_list_for_board(region: Region, limit: int = 100) -> list[Notice]:
    """Notices of every community under `region`, newest first.

    `reversed` marks an award that was posted and then reversed because an objection filed
    in time was upheld, so the board can say the points were taken back.

    A community's board reads its newest rows from the index (community, -starts_at). A
    subdistrict's or the district's board first finds, for each community, its `limit`-th newest
    notice, one step down that index each: the newest of those is no later than the board's
    oldest line (that community alone has `limit` notices since), so only the notices since it
    are read and sorted, at most `limit` a community, not the region's whole year.
    """
    communities = list(
        Region.objects.filter(region.subtree_q(), level=Level.COMMUNITY).values_list("pk", flat=True)
    )
    notices = Notice.objects.filter(community_id__in=communities)
    if len(communities) > 1:
        nth = (
            Notice.objects.filter(community_id=OuterRef("pk"))
            .order_by("-starts_at")
            .values("starts_at")[limit - 1 : limit]
        )
        since = (
            Region.objects.filter(pk__in=communities)
            .annotate(nth=Subquery(nth))
            .aggregate(since=Max("nth"))["since"]
        )
        if since is not None:
            notices = notices.filter(starts_at__gte=since)
    reversal = Transfer.objects.filter(reverses_id=OuterRef("transfer_id"), kind=TransferKind.REVERSAL)
    return list(
        notices.annotate(
            reversed=Exists(reversal),
            has_open_objection=Exists(
                Objection.objects.filter(notice_id=OuterRef("pk"), state=ObjectionState.OPEN)
            ),
        )
        .select_related("community")
        .prefetch_related("objections")
        .order_by("-starts_at", "-pk")[:limit]
    )
