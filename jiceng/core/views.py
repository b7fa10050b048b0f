from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from jiceng.core import auth as login_guard
from jiceng.core.audit import audit
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
from jiceng.core.text_size import COOKIE as TEXT_SIZE_COOKIE
from jiceng.core.text_size import MAX_AGE as TEXT_SIZE_MAX_AGE
from jiceng.core.text_size import text_size_next, text_size_of
from jiceng.regions.models import Region

# One export holds at most this many entries; narrow the dates for more.
EXPORT_LIMIT = 50_000


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        ident = form.cleaned_data["username"]
        ip = login_guard.client_ip(request)
        wait = login_guard.login_wait_seconds(ident, ip)
        if wait:
            status = 429
            form.add_error(
                None,
                _("密码错误次数较多，为保护您的账号，请 %(n)d 秒后再试；忘记密码请联系社区工作人员重置。")
                % {"n": wait},
            )
        else:
            user = authenticate(request, username=ident, password=form.cleaned_data["password"])
            if user is None:
                login_guard.record_failure(ident, ip)
                form.add_error(None, _("手机号/用户名或密码不正确，请重新输入。"))
            else:
                _tell_owner(request, user, login_guard.failures_since_last_login(user, ip))
                login(request, user)
                target = request.GET.get("next", "")
                safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
                return redirect(target if target and safe else "home")
    return render(
        request, "core/login.html", {"form": form, "district_code": settings.DISTRICT_CODE}, status=status
    )


def _tell_owner(request: HttpRequest, user, seen: dict | None) -> None:
    """Wrong passwords tried since the last login: a notice to the owner and an audit entry."""
    if not seen:
        return
    day_time = pgettext("date format", "%m月%d日 %H:%M")
    first, last = (timezone.localtime(seen[k]).strftime(day_time) for k in ("first", "last"))
    messages.warning(
        request,
        _(
            "您的账号在 %(first)s 至 %(last)s 期间有 %(n)d 次密码错误的登录尝试。"
            "如果不是您本人，请尽快修改密码，或联系社区工作人员。"
        )
        % {"first": first, "last": last, "n": seen["failures"]},
    )
    audit(
        user,
        "login.failures_reported",
        after={
            "failures": seen["failures"],
            "addresses": seen["addresses"],
            "first": seen["first"].isoformat(),
            "last": seen["last"].isoformat(),
        },
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


def favicon(request: HttpRequest) -> HttpResponse:
    """The product's icon for the browser's tab and bookmarks, from the collected static files."""
    return redirect(static("jiceng/favicon.ico"), permanent=False)


@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    """Sets the text size (标准 / 大 / 特大) for this browser and goes back to the page it came from."""
    raw = request.POST.get("size", "")
    size = int(raw) if raw in ("0", "1", "2") else text_size_next(text_size_of(request))
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    response = redirect(target if target and safe else "home")
    response.set_cookie(TEXT_SIZE_COOKIE, str(size), max_age=TEXT_SIZE_MAX_AGE, samesite="Lax")
    return response
