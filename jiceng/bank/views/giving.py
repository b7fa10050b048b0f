"""Passing points on: residents donate; community workers run the love pool and the list of residents in need."""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiceng.bank import ledger
from jiceng.bank.models import Donation, PersonInNeed
from jiceng.bank.queries import wallet_of
from jiceng.bank.queries_reports import pool_history, pool_totals
from jiceng.bank.services import giving as services
from jiceng.bank.services.giving import GivingError
from jiceng.core.models import Role, RoleGrant
from jiceng.core.scope import get_scoped_or_404, require_role


class DonateForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput, required=False)  # "pool" or the id of a PersonInNeed
    points = forms.IntegerField(label=gettext_lazy("捐多少积分"), min_value=1, max_value=1_000_000)
    message = forms.CharField(label=gettext_lazy("留言（可不填）"), max_length=100, required=False)


class DisburseForm(forms.Form):
    need = forms.ModelChoiceField(
        label=gettext_lazy("需要帮助的居民"),
        queryset=PersonInNeed.objects.none(),
        required=False,
        empty_label=gettext_lazy("（从帮扶名单中选）"),
    )
    who = forms.CharField(label=gettext_lazy("或填其他居民的手机号/姓名"), max_length=50, required=False)
    points = forms.IntegerField(label=gettext_lazy("发放积分"), min_value=1, max_value=1_000_000)
    reason = forms.CharField(label=gettext_lazy("发放原因（会在公示栏公开）"), max_length=200)


class NeedForm(forms.Form):
    who = forms.CharField(label=gettext_lazy("居民手机号或姓名"), max_length=50)
    reason = forms.CharField(label=gettext_lazy("需要帮助的原因"), max_length=200)


def _community(request: HttpRequest):
    """The community of the worker's own grant (a worker may also be a resident somewhere)."""
    require_role(request.user, Role.COMMUNITY_WORKER)
    grant = RoleGrant.objects.filter(user=request.user, role=Role.COMMUNITY_WORKER).select_related("region")
    grant = grant.order_by("pk").first()
    if grant is None or grant.region is None:
        raise Http404
    return grant.region


def _needs(community):
    return PersonInNeed.objects.filter(community=community, is_active=True).select_related("person")


# ---------------------------------------------------------------- residents


@login_required
def give(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.RESIDENT)
    person = request.user.person
    if person is None:
        raise Http404
    needs = [n for n in _needs(person.community) if n.person_id != person.pk]
    form = DonateForm(request.POST or None, initial={"to": "pool"})
    error = None
    if request.method == "POST" and form.is_valid():
        to = form.cleaned_data["to"] or "pool"
        recipient = None if to == "pool" else next((n for n in needs if str(n.pk) == to), None)
        try:
            if to != "pool" and recipient is None:
                raise GivingError(_("这位居民已不在帮扶名单上，请重新选择"))
            d = services.donation_create(
                person=person,
                points=form.cleaned_data["points"],
                recipient=recipient,
                message=form.cleaned_data["message"],
                request_id=request.POST.get("request_id", ""),
            )
            messages.success(request, _("谢谢您！%(p)d 分已经传递出去。") % {"p": d.points})
            return redirect("bank:give")
        except GivingError as exc:
            error = str(exc)
    mine = Donation.objects.filter(donor=person).select_related("recipient__person")[:10]
    return render(
        request,
        "bank/giving/give.html",
        {
            "form": form,
            "needs": needs,
            "wallet": wallet_of(person),
            "error": error,
            "mine": mine,
            "community": person.community,
            "request_id": uuid.uuid4().hex,
            "chosen": request.POST.get("to", "pool"),
        },
    )


# ---------------------------------------------------------------- community workers


@login_required
def love_pool(request: HttpRequest) -> HttpResponse:
    community = _community(request)
    form = DisburseForm(request.POST or None)
    form.fields["need"].queryset = _needs(community)
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = (
                data["need"].person
                if data["need"]
                else services.resident_find(community=community, who=data["who"])
            )
            services.disbursement_create(
                user=request.user,
                community=community,
                person=person,
                points=data["points"],
                reason=data["reason"],
                request_id=request.POST.get("request_id", ""),
            )
            messages.success(
                request,
                _("已发放 %(p)d 分给 %(n)s，并已在公示栏公开。")
                % {"p": data["points"], "n": person.masked_name},
            )
            return redirect("bank:love_pool")
        except GivingError as exc:
            error = str(exc)
    pool = ledger.love_pool(community)
    return render(
        request,
        "bank/giving/love_pool.html",
        {
            "community": community,
            "pool": pool,
            "history": pool_history(pool),
            "totals": pool_totals(pool),
            "form": form,
            "error": error,
            "request_id": uuid.uuid4().hex,
        },
    )


@login_required
def persons_in_need(request: HttpRequest) -> HttpResponse:
    community = _community(request)
    form = NeedForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            person = services.resident_find(community=community, who=form.cleaned_data["who"])
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
    return render(
        request,
        "bank/giving/needs.html",
        {
            "community": community,
            "needs": _needs(community).select_related("named_by"),
            "form": form,
            "error": error,
        },
    )


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
    try:
        services.person_in_need_end(user=request.user, need=need, request=request)
        messages.success(request, _("已把 %(n)s 移出帮扶名单。") % {"n": need.person.name})
    except GivingError as exc:
        messages.error(request, str(exc))
    return redirect("bank:persons_in_need")
