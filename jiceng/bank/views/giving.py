"""Passing points on: residents donate; community workers run the love pool and the list of residents in need."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.bank import ledger
from jiceng.bank.errors import GivingError
from jiceng.bank.forms import DisburseForm, DonateForm, NeedForm
from jiceng.bank.models import PersonInNeed
from jiceng.bank.queries.giving import (
    donation_list_of,
    person_in_need_list,
    person_in_need_list_for_donor,
    pool_entry_list,
    pool_totals_get,
    recipient_get,
    resident_get_by_phone_or_name,
)
from jiceng.bank.queries.wallets import wallet_get
from jiceng.bank.services import giving as services
from jiceng.bank.views import resident_or_404
from jiceng.core.models import Role
from jiceng.core.once import Once, once_post
from jiceng.core.scope import get_scoped_or_404, require_role


def _community(request: HttpRequest):
    """The community of the worker's own grant (a worker may also be a resident somewhere)."""
    community = require_role(request.user, Role.COMMUNITY_WORKER).work_community()
    if community is None:
        raise Http404
    return community


# ---------------------------------------------------------------- residents


@login_required
def give(request: HttpRequest) -> HttpResponse:
    person = resident_or_404(request)
    needs = person_in_need_list_for_donor(person)
    form = DonateForm(request.POST or None, initial={"to": "pool"}, needs=needs)
    error = None
    once = Once(request)
    if request.method == "POST" and (again := once.replayed()):
        return again
    if request.method == "POST" and form.is_valid():
        try:
            d = services.donation_create(person=person, request_id=once.token, **form.donation())
            messages.success(request, _("谢谢您！%(p)d 分已经传递出去。") % {"p": d.points})
            return once.done(redirect("bank:give"))
        except GivingError as exc:
            error = str(exc)
    context = {"form": form, "needs": needs, "wallet": wallet_get(person), "error": error}
    context |= {"mine": donation_list_of(person), "community": person.community}
    context["chosen"] = request.POST.get("to", "pool")
    return render(request, "bank/giving/give.html", context)


# ---------------------------------------------------------------- community workers


@login_required
def love_pool(request: HttpRequest) -> HttpResponse:
    community = _community(request)
    form = DisburseForm(request.POST or None, needs=person_in_need_list(community))
    error = None
    once = Once(request)
    if request.method == "POST" and (again := once.replayed()):
        return again
    if request.method == "POST" and form.is_valid():
        d, rid = form.cleaned_data, once.token
        try:
            person = recipient_get(community=community, need=d["need"], who=d["who"])
            services.disbursement_create(
                user=request.user, community=community, person=person, request_id=rid, **form.disbursement()
            )
            done = _("已发放 %(p)d 分给 %(n)s，并已在公示栏公开。")
            messages.success(request, done % {"p": d["points"], "n": person.masked_name})
            return once.done(redirect("bank:love_pool"))
        except GivingError as exc:
            error = str(exc)
    pool = ledger.love_pool_find(community)  # opened by the first gift, never by looking
    context = {
        "community": community,
        "pool": pool,
        "available": pool.available if pool else 0,
        "form": form,
        "error": error,
    }
    context |= {"history": pool_entry_list(pool), "totals": pool_totals_get(pool)}
    return render(request, "bank/giving/love_pool.html", context)


@login_required
def persons_in_need(request: HttpRequest) -> HttpResponse:
    community = _community(request)
    form = NeedForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            person = resident_get_by_phone_or_name(community=community, who=form.cleaned_data["who"])
            services.person_in_need_name(
                user=request.user,
                community=community,
                person=person,
                reason=form.cleaned_data["reason"],
                request=request,
            )
            messages.success(request, _("已把 %(n)s 加入帮扶名单。") % {"n": person.name})
            return redirect("bank:persons_in_need")
        except GivingError as exc:
            error = str(exc)
    needs = person_in_need_list(community).select_related("named_by")
    context = {"community": community, "needs": needs, "form": form, "error": error}
    return render(request, "bank/giving/needs.html", context)


@login_required
@require_POST
def person_in_need_end(request: HttpRequest, pk: int) -> HttpResponse:
    _community(request)
    need = get_scoped_or_404(
        request.user,
        PersonInNeed.objects.select_related("person"),
        region="community",
        roles=[Role.COMMUNITY_WORKER],
        pk=pk,
    )

    def run() -> str:
        services.person_in_need_end(user=request.user, need=need, request=request)
        return _("已把 %(n)s 移出帮扶名单。") % {"n": need.person.name}

    confirm = {
        "title": _("移出帮扶名单"),
        "message": _("%(n)s 移出后不再出现在捐赠对象里；需要时可以重新加入。") % {"n": need.person.name},
        "button": _("确认移出"),
    }
    back = redirect("bank:persons_in_need")
    return once_post(request, back, run, refusals=(GivingError,), confirm=confirm)
