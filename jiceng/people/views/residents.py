"""The residents a member of staff looks after."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiceng.core.models import Role
from jiceng.core.scope import require_role
from jiceng.people.queries.residents import person_list_for

STAFF = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN, Role.COMMUNITY_WORKER)


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *STAFF)
    q = request.GET.get("q", "").strip()
    page = Paginator(person_list_for(request.user, q=q), 50).get_page(request.GET.get("page"))
    return render(request, "people/list.html", {"page": page, "q": q})
