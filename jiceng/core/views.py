from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core import auth as login_guard
from jiceng.core.audit_log import (
    AUDIT_VIEWERS,
    AuditFilters,
    action_choices,
    audit_entry_list,
    audit_region_list,
    audit_sheets,
    entry_describe,
)
from jiceng.core.forms import AuditFilterForm, LoginForm
from jiceng.core.scope import require_role
from jiceng.core.sheets import xlsx_response
from jiceng.regions.models import Region

# One export holds at most this many entries; narrow the dates for more.
EXPORT_LIMIT = 50_000


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


def _audit_filtered(request: HttpRequest):
    """The entries the requester may read under the filters asked for; bad filters are ignored and reported."""
    require_role(request.user, *AUDIT_VIEWERS)
    regions = audit_region_list(request.user)
    choices = list(regions) + list(Region.objects.filter(parent__in=regions).order_by("code"))
    form = AuditFilterForm(request.GET or None, actions=action_choices(), regions=choices)
    filters = AuditFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        region = next((r for r in choices if r.code == d["region"]), None)
        filters = AuditFilters(d["person"].strip(), d["action"], region, d["start"], d["end"])
    return audit_entry_list(request.user, filters), form


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    entries, form = _audit_filtered(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page:
        entry.words = entry_describe(entry)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit.html", {"page": page, "form": form, "query": query.urlencode()})


@login_required
def audit_log_xlsx(request: HttpRequest) -> HttpResponse:
    entries, form = _audit_filtered(request)
    return xlsx_response(
        request,
        filename="audit-log",
        sheets=audit_sheets(entries[:EXPORT_LIMIT]),
        action="core.audit_export",
        detail={"filters": {k: v for k, v in request.GET.items() if k != "page"}},
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    person = request.user.person
    membership = getattr(person, "party_membership", None) if person else None
    return render(request, "core/profile.html", {"person": person, "membership": membership})
