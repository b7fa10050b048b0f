"""The organisation list, registering an organisation and correcting one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jiceng.core.models import Role
from jiceng.core.scope import get_scoped_or_404, require_role
from jiceng.orgs import services
from jiceng.orgs.forms import OrganizationForm
from jiceng.orgs.models import Kind, Organization
from jiceng.orgs.queries.organizations import organization_list_for
from jiceng.regions.queries.tree import region_list_for

ADMINS = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN)
FIELDS = ("kind", "name", "uscc", "party_level", "sector", "address")


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    kind = request.GET.get("kind", "")
    page = Paginator(organization_list_for(request.user, kind=kind), 50).get_page(request.GET.get("page"))
    return render(request, "orgs/list.html", {"page": page, "kind": kind, "kinds": Kind.choices})


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    regions = region_list_for(request.user, active_only=True)
    form = OrganizationForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.organization_create(
                actor=request.user,
                region=regions.get(code=data["region"]),
                request=request,
                **{f: data[f] for f in FIELDS},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已登记：%(n)s") % {"n": data["name"]})
            return redirect("orgs:list")
    return render(request, "orgs/create.html", {"form": form, "title": _("登记组织")})


@login_required
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *ADMINS)
    org = get_scoped_or_404(
        request.user, Organization.objects.select_related("region"), region="region", pk=pk
    )
    regions = region_list_for(request.user, active_only=True)
    form = OrganizationForm(request.POST or None, regions=regions, initial=OrganizationForm.initial_for(org))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.organization_update(
                actor=request.user,
                organization=org,
                region=regions.get(code=data["region"]),
                request=request,
                **{f: data[f] for f in FIELDS},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已保存：%(n)s") % {"n": data["name"]})
            return redirect("orgs:list")
    return render(request, "orgs/create.html", {"form": form, "title": _("修改组织"), "org": org})
