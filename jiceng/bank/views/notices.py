"""The public notice board (names masked, open to the whole district) and objections to an award."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.bank.errors import ClaimError
from jiceng.bank.forms import ReasonForm
from jiceng.bank.models import Notice, NoticeState, Objection
from jiceng.bank.queries.notices import (
    board_region_by_short,
    board_region_get,
    board_region_home,
    board_region_public,
    board_short_code,
    notice_list_for_board,
)
from jiceng.bank.services import objections
from jiceng.core.models import Role
from jiceng.core.once import once_post
from jiceng.core.qr import qr_svg as core_qr_svg
from jiceng.core.scope import get_scoped_or_404, require_role, scope_for
from jiceng.regions.models import Region


def _board_region(request, code: str) -> Region:
    region = board_region_get(request.user, code)
    if region is None:
        raise Http404
    return region


@login_required
def my_board(request: HttpRequest) -> HttpResponse:
    """The board of the user's own community (residents) or region (staff)."""
    region = board_region_home(request.user)
    if region is None:
        raise Http404
    return redirect("bank:notices", code=region.code)


def notice_board(request: HttpRequest, code: str) -> HttpResponse:
    """Open to anyone, signed in or not: masked names, no contact details. Objecting needs a login."""
    region = board_region_public(code)
    if region is None:
        raise Http404
    scope = scope_for(request.user)
    return render(
        request,
        "bank/notices/board.html",
        {
            "region": region,
            "notices": notice_list_for_board(region),
            "reason_form": ReasonForm(),
            "can_decide": scope.has(Role.COMMUNITY_WORKER),
            "my_regions": {r.pk for r in scope.regions},
            "my_person_id": getattr(getattr(request.user, "person", None), "pk", None),
            "open": NoticeState.OPEN,
            "login_to_object": f"{reverse('login')}?next={request.path}",
            "can_print": scope.works_in(region.pk),
        },
    )


def board_short(request: HttpRequest, short: str) -> HttpResponse:
    """The short address printed under a board's QR code (/g/<code>/)."""
    region = board_region_by_short(short)
    if region is None:
        raise Http404
    return redirect("bank:notices", code=region.code)


@login_required
def board_poster(request: HttpRequest, code: str) -> HttpResponse:
    """A printable A4 poster for the paper board: the community's name, a QR code and the short address."""
    region = board_region_public(code)
    if region is None or not scope_for(request.user).works_in(region.pk):
        raise Http404
    url = request.build_absolute_uri(reverse("board_short", args=[board_short_code(region)]))
    return render(request, "bank/notices/poster.html", {"region": region, "url": url, "qr": _qr_svg(url)})


def _qr_svg(url: str) -> str:
    return core_qr_svg(url, label=_("公示栏二维码，扫码打开 %(url)s") % {"url": url})


@login_required
@require_POST
def notice_object(request: HttpRequest, pk: int) -> HttpResponse:
    notice = Notice.objects.select_related("community").filter(pk=pk).first()
    region = _board_region(request, notice.community.code if notice else "-")
    try:
        objections.objection_file(user=request.user, notice=notice, reason=request.POST.get("reason", ""))
        messages.success(request, _("异议已提交，社区会核实并在公示栏公布处理结果。"))
    except ClaimError as exc:
        messages.error(request, str(exc))
    return redirect("bank:notices", code=region.code)


@login_required
@require_POST
def notice_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The claimant takes back their own award while it is on notice; anyone else gets 404."""
    person = request.user.person
    notice = Notice.objects.select_related("community").filter(pk=pk, claim__claimant=person).first()
    if person is None or notice is None:
        raise Http404

    def run() -> str:
        objections.notice_withdraw(user=request.user, notice=notice)
        return _("申报已撤回，这笔积分不会入账。")

    confirm = {
        "title": _("撤回申报"),
        "message": _("撤回后这笔 %(p)d 分不会入账，也不能恢复；如需要，可以重新申报。")
        % {"p": notice.points},
        "button": _("确认撤回"),
    }
    back = redirect("bank:notices", code=notice.community.code)
    return once_post(request, back, run, refusals=(ClaimError,), confirm=confirm)


@login_required
@require_POST
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, Role.COMMUNITY_WORKER)
    objection = get_scoped_or_404(
        request.user,
        Objection.objects.select_related("notice__community"),
        region="notice__community",
        roles=[Role.COMMUNITY_WORKER],
        pk=pk,
    )
    uphold = request.POST.get("uphold") == "1"

    def run() -> str:
        reason = request.POST.get("reason", "")
        objections.objection_decide(reviewer=request.user, objection=objection, uphold=uphold, reason=reason)
        return _("异议已处理，结果已在公示栏公布。")

    confirm = uphold and {
        "title": _("异议成立，作废这笔奖励"),
        "message": _(
            "作废后这笔 %(p)d 分不再计入申报人的积分（已入账的会冲回），处理意见会在公示栏公开，不能撤销。"
        )
        % {"p": objection.notice.points},
        "button": _("确认异议成立并作废"),
    }
    back = redirect("bank:notices", code=objection.notice.community.code)
    return once_post(request, back, run, refusals=(ClaimError,), confirm=confirm or None)
