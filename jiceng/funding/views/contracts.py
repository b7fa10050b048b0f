"""Purchased-service pages: the list, registering a contract, its progress, milestones and acceptance,
and the district's year-end target."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core.models import Role
from jiceng.core.scope import get_scoped_or_404, require_role
from jiceng.funding import services
from jiceng.funding.errors import FundingError
from jiceng.funding.forms import AcceptForm, ContractForm, MilestoneForm
from jiceng.funding.models import Milestone, PurchasedService
from jiceng.funding.queries.contracts import (
    contract_activities,
    contract_list_for,
    contract_needs,
    contract_progress,
    social_org_choices,
    year_target,
)
from jiceng.funding.views.common import ADMINS, admin_scope, lines_in_scope, regions_in_scope, year_of
from jiceng.regions.models import Level, Region


def _contract(request, pk: int) -> PurchasedService:
    return get_scoped_or_404(
        request.user,
        PurchasedService.objects.select_related("buyer", "provider", "budget__region"),
        region="buyer",
        roles=ADMINS,
        pk=pk,
    )


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    admin_scope(request)
    year = year_of(request)
    rows = [(c, contract_progress(c)) for c in contract_list_for(request.user, year=year)]
    return render(request, "funding/contracts.html", {"rows": rows, "year": year})


@login_required
def contract_create(request: HttpRequest) -> HttpResponse:
    scope = admin_scope(request)
    year = year_of(request)
    buyers = regions_in_scope(request.user, Level.SUBDISTRICT, Level.COMMUNITY)
    own = scope.regions_for(ADMINS)
    if not own or own[0].district_code is None:
        raise Http404
    district = Region.objects.get(code=own[0].district_code)
    providers = social_org_choices(district)
    lines = lines_in_scope(request.user, year)
    form = ContractForm(request.POST or None, buyers=buyers, providers=providers, lines=lines)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contract = services.contract_create(
                actor=request.user,
                buyer=buyers.get(code=data["buyer"]),
                provider=providers.get(pk=data["provider"]),
                budget=lines.get(pk=data["budget"]),
                title=data["title"],
                amount=data["amount"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                method=data["method"],
                target_people=data["target_people"],
                target_sessions=data["target_sessions"],
                target_needs=data["target_needs"],
                request=request,
            )
        except FundingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已登记合同：%(t)s") % {"t": contract.title})
            return redirect("funding:contract", contract.pk)
    lead = "" if providers.exists() else _("本区还没有登记社会组织，请先在“组织”中登记（类型选“社会组织”）。")
    return render(request, "funding/form.html", {"form": form, "title": _("登记购买服务合同"), "lead": lead})


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    admin_scope(request)
    contract = _contract(request, pk)
    progress = contract_progress(contract)
    targets = [
        (_("服务人数"), progress.people, contract.target_people),
        (_("活动场次"), progress.sessions, contract.target_sessions),
        (_("解决需求"), progress.needs, contract.target_needs),
    ]
    return render(
        request,
        "funding/contract.html",
        {
            "c": contract,
            "progress": progress,
            "targets": [
                (label, done, goal, min(100, done * 100 // goal) if goal else 100)
                for label, done, goal in targets
            ],
            "activities": contract_activities(contract)
            .select_related("community")
            .order_by("-starts_at")[:20],
            "needs": contract_needs(contract).select_related("community")[:20],
            "milestones": contract.milestones.all(),
            "milestone_form": MilestoneForm(),
            "accept_form": AcceptForm(),
        },
    )


@login_required
@require_POST
def contract_accept(request: HttpRequest, pk: int) -> HttpResponse:
    admin_scope(request)
    contract = _contract(request, pk)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择验收评价并填写验收意见"))
        return redirect("funding:contract", pk)
    try:
        services.contract_accept(
            actor=request.user,
            contract=contract,
            rating=form.cleaned_data["rating"],
            note=form.cleaned_data["note"],
            request=request,
        )
    except FundingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已验收，完成情况已按今天的记录定格"))
    return redirect("funding:contract", pk)


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    admin_scope(request)
    contract = _contract(request, pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("funding:contract", pk)
    try:
        services.milestone_add(actor=request.user, contract=contract, request=request, **form.cleaned_data)
    except FundingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已增加付款节点"))
    return redirect("funding:contract", pk)


@login_required
@require_POST
def milestone_pay(request: HttpRequest, pk: int) -> HttpResponse:
    admin_scope(request)
    step = get_scoped_or_404(
        request.user,
        Milestone.objects.select_related("contract"),
        region="contract__buyer",
        roles=ADMINS,
        pk=pk,
    )
    try:
        services.milestone_pay(actor=request.user, milestone=step, request=request)
    except FundingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已支付“%(t)s”，支出已自动登记") % {"t": step.title})
    return redirect("funding:contract", step.contract_id)


@login_required
def target(request: HttpRequest) -> HttpResponse:
    scope = require_role(request.user, Role.DISTRICT_ADMIN)
    district = next((r for r in scope.regions_for((Role.DISTRICT_ADMIN,)) if r.level == Level.DISTRICT), None)
    if district is None:
        raise Http404
    data = year_target(district, year=year_of(request))
    return render(request, "funding/target.html", {"t": data, "district": district})
