"""The review queue: community workers approve claims (one by one or ticked together) or send them back."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.bank.queries.claims import claim_list_chosen_for_review, claim_list_for_review
from jiceng.bank.services.reviews import claims_review_bulk
from jiceng.core.models import Role
from jiceng.core.once import Once
from jiceng.core.scope import require_role


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.COMMUNITY_WORKER)
    return render(request, "bank/claims/review.html", {"claims": claim_list_for_review(request.user)})


@login_required
@require_POST
def review_decide(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.COMMUNITY_WORKER)
    once = Once(request)
    if again := once.replayed():
        return again
    approve = request.POST.get("decision") == "approve"
    claims = claim_list_chosen_for_review(request.user, request.POST.getlist("claim"))
    if not claims:
        messages.warning(request, _("请先勾选要审核的申报"))
        return redirect("bank:review")
    done, refused = claims_review_bulk(
        reviewer=request.user, claims=claims, approve=approve, reason=request.POST.get("reason", "")
    )
    if done:
        messages.success(
            request, (_("已通过 %(n)d 条，进入公示") if approve else _("已退回 %(n)d 条")) % {"n": done}
        )
    for line in refused:
        messages.error(request, line)
    return once.done(redirect("bank:review")) if done else redirect("bank:review")
