"""The role homes: where each role lands after logging in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jiceng.bank.queries.wallets import entry_list_recent, wallet_get
from jiceng.cockpit.queries.overview import region_summary_get
from jiceng.core.models import Role
from jiceng.core.scope import require_role, scope_for
from jiceng.portal.queries.homes import organization_list_operated
from jiceng.portal.queries.today import STAFF, VOUCHER_WARN_DAYS, todo_list_for, voucher_list_expiring

HOME_BY_ROLE = {
    Role.DISTRICT_ADMIN: "cockpit:overview",
    Role.SUBDISTRICT_ADMIN: "cockpit:overview",
    Role.COMMUNITY_WORKER: "portal:workbench",
    Role.GRID_WORKER: "linkage:grid_home",
    Role.UNIT_OPERATOR: "portal:unit_home",
    Role.RESIDENT: "portal:resident_home",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = scope_for(request.user).primary_role
    if role is None:
        messages.warning(request, _("您的账号还没有分配角色，请联系管理员。"))
        return render(request, "portal/no_role.html")
    return redirect(HOME_BY_ROLE[Role(role)])


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """Today's to-do counts in the user's own scope first, the population figures below."""
    scope = require_role(request.user, *STAFF)
    admin_regions = scope.regions_for((Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN))
    region = admin_regions[0] if admin_regions else scope.work_community()
    if region is None:
        raise Http404
    todos = todo_list_for(request.user)
    return render(
        request,
        "portal/workbench.html",
        {
            "community": region,
            "summary": region_summary_get(region),
            "todos": todos,
            "todo_total": sum(t.count for t in todos),
        },
    )


@login_required
def vouchers_expiring(request: HttpRequest) -> HttpResponse:
    """Uncollected vouchers of the user's scope that lapse within a few days, soonest first."""
    require_role(request.user, *STAFF)
    rows = voucher_list_expiring(request.user).order_by("expires_at", "pk")
    return render(request, "portal/vouchers_expiring.html", {"rows": rows[:200], "days": VOUCHER_WARN_DAYS})


@login_required
def unit_home(request: HttpRequest) -> HttpResponse:
    scope = require_role(request.user, Role.UNIT_OPERATOR)
    return render(request, "portal/unit_home.html", {"orgs": organization_list_operated(scope)})


@login_required
def resident_home(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.RESIDENT)
    person = request.user.person
    wallet = wallet_get(person)
    entries = entry_list_recent(wallet, 20) if wallet else []
    return render(
        request, "portal/resident_home.html", {"person": person, "wallet": wallet, "entries": entries}
    )
