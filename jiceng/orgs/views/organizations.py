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
FIELDS = (
    "kind",
    "name",
    "uscc",
    "party_level",
    "sector",
    "registration_type",
    "registered_on",
    "incubation",
    "address",
)


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    kind = request.GET.get("kind", "")
    page = Paginator(organization_list_for(request.user, kind=kind), 50).get_page(request.GET.get("page"))
    return render(request, "orgs/list.html", {"page": page, "kind": kind, "kinds": Kind.choices})


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    return _organization_form(request, None)


@login_required
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *ADMINS)
    org = get_scoped_or_404(
        request.user, Organization.objects.select_related("region"), region="region", pk=pk
    )
    return _organization_form(request, org)


def _organization_form(request: HttpRequest, org: Organization | None) -> HttpResponse:
    """Register an organisation (`org` None) or correct one, under a region in the user's scope."""
    regions = region_list_for(request.user, active_only=True)
    initial = OrganizationForm.initial_for(org) if org else None
    form = OrganizationForm(request.POST or None, regions=regions, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {f: data[f] for f in FIELDS} | {"region": regions.get(code=data["region"])}
        try:
            if org is None:
                services.organization_create(actor=request.user, request=request, **fields)
            else:
                services.organization_update(actor=request.user, organization=org, request=request, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            done = _("已登记：%(n)s") if org is None else _("已保存：%(n)s")
            messages.success(request, done % {"n": data["name"]})
            return redirect("orgs:list")
    title = _("登记组织") if org is None else _("修改组织")
    return render(request, "orgs/create.html", {"form": form, "title": title, "org": org})
