from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.bank.queries.wallets import entry_list_recent, wallet_get
from jiceng.cockpit.queries import region_summary
from jiceng.core import auth as login_guard
from jiceng.core.forms import LoginForm
from jiceng.core.models import AuditLog, Role
from jiceng.core.scope import get_scoped_or_404, require_role, scope_for
from jiceng.diary.queries.entries import diary_entry_list_shared
from jiceng.orgs.models import Organization
from jiceng.people.models import Person
from jiceng.regions.models import Level, Region


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        ident = form.cleaned_data["username"]
        ip = request.META.get("REMOTE_ADDR")
        if login_guard.login_blocked(ident, ip):
            status = 429
            form.add_error(None, _("登录失败次数过多，请 15 分钟后再试，或联系社区工作人员重置密码。"))
        else:
            user = authenticate(request, username=ident, password=form.cleaned_data["password"])
            if user is None:
                login_guard.record_failure(ident, ip)
                form.add_error(None, _("手机号/用户名或密码不正确，请重新输入。"))
            else:
                login_guard.clear_failures(ident)
                login(request, user)
                target = request.GET.get("next", "")
                safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
                return redirect(target if target and safe else "home")
    return render(
        request, "core/login.html", {"form": form, "district_code": settings.DISTRICT_CODE}, status=status
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


HOME_BY_ROLE = {
    Role.DISTRICT_ADMIN: "cockpit:overview",
    Role.SUBDISTRICT_ADMIN: "cockpit:overview",
    Role.COMMUNITY_WORKER: "core:workbench",
    Role.UNIT_OPERATOR: "core:unit_home",
    Role.RESIDENT: "core:resident_home",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = scope_for(request.user).primary_role
    if role is None:
        messages.warning(request, _("您的账号还没有分配角色，请联系管理员。"))
        return render(request, "core/no_role.html")
    return redirect(HOME_BY_ROLE[Role(role)])


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    scope = require_role(request.user, Role.COMMUNITY_WORKER)
    community = next(
        (r for r in scope.regions_for([Role.COMMUNITY_WORKER]) if r.level == Level.COMMUNITY), None
    )
    if community is None:
        raise Http404
    return render(
        request, "core/workbench.html", {"community": community, "summary": region_summary(community)}
    )


@login_required
def unit_home(request: HttpRequest) -> HttpResponse:
    scope = require_role(request.user, Role.UNIT_OPERATOR)
    orgs = Organization.objects.filter(pk__in=scope.org_ids).select_related("region")
    return render(request, "core/unit_home.html", {"orgs": orgs})


@login_required
def resident_home(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.RESIDENT)
    person = request.user.person
    wallet = wallet_get(person)
    entries = entry_list_recent(wallet, 20) if wallet else []
    return render(
        request, "core/resident_home.html", {"person": person, "wallet": wallet, "entries": entries}
    )


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.DISTRICT_ADMIN)
    page = Paginator(AuditLog.objects.select_related("actor"), 50).get_page(request.GET.get("page"))
    return render(request, "core/audit.html", {"page": page})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    person = request.user.person
    membership = getattr(person, "party_membership", None) if person else None
    return render(request, "core/profile.html", {"person": person, "membership": membership})


@login_required
def community(request: HttpRequest, code: str) -> HttpResponse:
    """A community's own page: open to its residents and to staff whose scope covers it."""
    # Residents open their own community; staff the communities they work in.
    region = get_scoped_or_404(
        request.user,
        Region.objects.select_related("parent"),
        region="",
        roles=list(Role),
        code=code,
        level=Level.COMMUNITY,
    )
    orgs = Organization.objects.filter(region=region, kind="party")
    workers = Person.objects.filter(
        user__grants__role=Role.COMMUNITY_WORKER, user__grants__region=region
    ).distinct()
    shared = diary_entry_list_shared(region)
    return render(
        request,
        "core/community.html",
        {
            "community": region,
            "summary": region_summary(region),
            "orgs": orgs,
            "workers": workers,
            "shared": shared,
        },
    )
