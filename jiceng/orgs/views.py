from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jiceng.core.models import Role
from jiceng.core.scope import require_role, scoped
from jiceng.orgs import services
from jiceng.orgs.forms import OrganizationForm
from jiceng.orgs.models import Kind, Organization
from jiceng.regions.models import Level, Region

ADMINS = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN)


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    kind = request.GET.get("kind", "")
    orgs = scoped(request.user, Organization.objects.select_related("region", "parent"), region="region")
    if kind in Kind.values:
        orgs = orgs.filter(kind=kind)
    page = Paginator(orgs, 50).get_page(request.GET.get("page"))
    return render(request, "orgs/list.html", {"page": page, "kind": kind, "kinds": Kind.choices})


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    regions = scoped(request.user, Region.objects.active().exclude(level=Level.GRID), region="").filter(
        level__in=[Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY]
    )
    form = OrganizationForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.organization_create(
                actor=request.user,
                region=regions.get(code=data["region"]),
                kind=data["kind"],
                name=data["name"],
                uscc=data["uscc"],
                party_level=data["party_level"],
                sector=data["sector"],
                address=data["address"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已登记：%(n)s") % {"n": data["name"]})
            return redirect("orgs:list")
    return render(request, "orgs/create.html", {"form": form})
