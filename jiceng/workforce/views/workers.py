"""Workers: the list, one worker's record and the writes on it, and a worker's own record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core.models import Role
from jiceng.core.scope import get_scoped_or_404, require_role, scoped
from jiceng.workforce import queries, services
from jiceng.workforce.forms import (
    AssessmentForm,
    CorrectionForm,
    HireForm,
    LeaveForm,
    PlaceForm,
    QualificationForm,
)
from jiceng.workforce.models import CommunityWorker, Qualification
from jiceng.workforce.views.common import ADMINS, admin_scope, this_year


@login_required
def worker_list(request: HttpRequest) -> HttpResponse:
    _scope, regions, _district = admin_scope(request.user)
    qs = queries.worker_list_for(request.user)
    community = request.GET.get("community", "")
    if community.isdigit():
        qs = qs.filter(community_id=int(community))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    lines = queries.worker_lines(list(page.object_list), this_year())
    return render(request, "workforce/workers.html", {"page": page, "lines": lines, "region": regions[0]})


def _worker(request, pk) -> CommunityWorker:
    return get_scoped_or_404(
        request.user,
        CommunityWorker.objects.select_related("person", "community"),
        region="community",
        roles=ADMINS,
        pk=pk,
    )


def _forms(regions, data=None, files=None, which=None):
    """The forms of a worker's page; only the one that was sent is bound."""

    def d(name):
        return data if which == name else None

    return {
        "place_form": PlaceForm(d("place"), regions=regions, prefix="place"),
        "leave_form": LeaveForm(d("leave"), prefix="leave"),
        "qualification_form": QualificationForm(
            d("qualification"), files if which == "qualification" else None, prefix="q"
        ),
        "assessment_form": AssessmentForm(d("assessment"), prefix="a", initial={"year": this_year() - 1}),
        "correction_form": CorrectionForm(d("correction"), prefix="c"),
    }


def _render_worker(request, worker, regions, forms, status=200):
    record = queries.worker_record_get(worker, slips_approved_only=False)
    return render(request, "workforce/worker.html", {"r": record, "w": worker, **forms}, status=status)


@login_required
def worker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _scope, regions, _district = admin_scope(request.user)
    worker = _worker(request, pk)
    return _render_worker(request, worker, regions, _forms(regions))


def _action(name, form_key, run):
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        _scope, regions, _district = admin_scope(request.user)
        worker = _worker(request, pk)
        forms = _forms(regions, request.POST, request.FILES, which=name)
        form = forms[form_key]
        if form.is_valid():
            try:
                run(request.user, worker, form.cleaned_data)
            except services.WorkforceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已保存。"))
                return redirect("workforce:worker", pk=worker.pk)
        return _render_worker(request, worker, regions, forms, status=400)

    view.__name__ = f"worker_{name}"
    return view


worker_place = _action(
    "place",
    "place_form",
    lambda user, w, d: services.worker_place(
        actor=user, worker=w, community=d["community"], post=d["post"], on=d["on"], note=d["note"]
    ),
)
worker_leave = _action(
    "leave",
    "leave_form",
    lambda user, w, d: services.worker_leave(actor=user, worker=w, on=d["on"], note=d["note"]),
)
qualification_add = _action(
    "qualification",
    "qualification_form",
    lambda user, w, d: services.qualification_record(
        actor=user,
        worker=w,
        level=d["level"],
        cert_number=d["cert_number"],
        issued_on=d["issued_on"],
        scan=d["scan"],
    ),
)
assessment_add = _action(
    "assessment",
    "assessment_form",
    lambda user, w, d: services.assessment_record(actor=user, worker=w, year=d["year"], result=d["result"]),
)
grade_correct = _action(
    "correction",
    "correction_form",
    lambda user, w, d: services.grade_correct(
        actor=user, worker=w, delta=d["delta"], on=d["on"], note=d["note"]
    ),
)


@login_required
def worker_hire(request: HttpRequest) -> HttpResponse:
    _scope, regions, district = admin_scope(request.user)
    form = HireForm(request.POST or None, regions=regions, district=district)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            worker = services.worker_hire(
                actor=request.user,
                person=form.person,
                community=d["community"],
                post=d["post"],
                hired_on=d["hired_on"],
            )
        except services.WorkforceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已办理入职：%(n)s") % {"n": worker.person.name})
            return redirect("workforce:worker", pk=worker.pk)
    return render(request, "workforce/hire.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def qualification_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """A certificate's scan: for the administrators whose scope holds the worker, and the worker."""
    scope = require_role(request.user, *ADMINS, Role.COMMUNITY_WORKER)
    qs = Qualification.objects.exclude(scan="").select_related("worker")
    if scope.has(*ADMINS):
        q = scoped(request.user, qs, region="worker__community", roles=ADMINS).filter(pk=pk).first()
    else:
        q = None
    if q is None:
        own = queries.worker_of_user(request.user)
        q = qs.filter(pk=pk, worker=own).first() if own else None
    if q is None:
        raise Http404
    return FileResponse(q.scan.open("rb"), filename=q.scan.name.rsplit("/", 1)[-1])


@login_required
def worker_me(request: HttpRequest) -> HttpResponse:
    """我的职级与工资: a community worker's own record, grade history and approved pay slips."""
    require_role(request.user, Role.COMMUNITY_WORKER)
    worker = queries.worker_of_user(request.user)
    record = queries.worker_record_get(worker) if worker else None
    return render(request, "workforce/me.html", {"r": record})
