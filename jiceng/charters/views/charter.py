from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jiceng.charters import services
from jiceng.charters.forms import CharterForm
from jiceng.charters.models import Charter
from jiceng.charters.queries.charter import (
    STAFF,
    charter_is_current,
    charter_list_for,
    citation_list,
    community_list_for,
)
from jiceng.core.scope import get_scoped_or_404, require_role


@login_required
def charter_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *STAFF)
    charters = charter_list_for(request.user)
    return render(request, "charters/list.html", {"charters": charters})


@login_required
def charter_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *STAFF)
    form = CharterForm(request.POST or None, communities=community_list_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            charter = services.charter_adopt(actor=request.user, **form.cleaned_data)
        except services.CharterError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已登记新版本，社区主页显示的是最新版本。"))
            return redirect("charters:detail", pk=charter.pk)
    return render(request, "charters/form.html", {"form": form})


@login_required
def charter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *STAFF)
    charter = get_scoped_or_404(
        request.user, Charter.objects.select_related("community"), region="community", roles=STAFF, pk=pk
    )
    return render(
        request,
        "charters/detail.html",
        {"charter": charter, "current": charter_is_current(charter), "citations": citation_list(charter)},
    )
