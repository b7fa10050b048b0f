"""Tasks down, results up: the inbox and the issued list, issuing, the task page, split and report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core.scope import get_scoped_or_404, require_role
from jiceng.linkage import queries, services
from jiceng.linkage.errors import LinkageError
from jiceng.linkage.forms import AssignmentForm, ReportForm, SplitForm
from jiceng.linkage.models import Assignment
from jiceng.linkage.services.assignments import ISSUING_LEVELS
from jiceng.regions.models import CHILD_LEVEL, Level

STAFF = queries.STAFF


def _own_region(scope, region_id: int):
    """The user's own staff region with this id (they are its recipient), or None."""
    return next((r for r in scope.regions_for(STAFF) if r.pk == region_id), None)


def _issuing_region(scope):
    return next((r for r in scope.regions_for(STAFF) if r.level in ISSUING_LEVELS), None)


@login_required
def assignment_list(request: HttpRequest) -> HttpResponse:
    scope = require_role(request.user, *STAFF)
    region = _issuing_region(scope)
    return render(
        request,
        "linkage/list.html",
        {
            "inbox": queries.assignment_list_inbox(request.user),
            "issued": queries.assignment_list_issued(request.user),
            "may_issue": region is not None,
            # the district has no level above it: its inbox would always be empty
            "has_above": any(r.level != Level.DISTRICT for r in scope.regions_for(STAFF)),
        },
    )


@login_required
def assignment_new(request: HttpRequest) -> HttpResponse:
    scope = require_role(request.user, *STAFF)
    region = _issuing_region(scope)
    if region is None:
        raise Http404
    recipients = queries.recipient_choices(region)
    form = AssignmentForm(request.POST or None, recipients=recipients)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            root = services.assignment_issue(
                region=region,
                recipients=list(d["recipients"]),
                title=d["title"],
                body=d["body"],
                starts_on=d["starts_on"],
                deadline=d["deadline"],
                evidence=d["evidence"],
                target=d["target"],
                may_split=d["may_split"],
                actor=request.user,
            )
        except LinkageError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("任务已下派。"))
            return redirect("linkage:detail", pk=root.pk)
    return render(
        request,
        "linkage/new.html",
        {"form": form, "region": region, "below": Level(CHILD_LEVEL[region.level]).label},
    )


def _fetch(request, pk: int) -> Assignment:
    require_role(request.user, *STAFF)
    return get_scoped_or_404(
        request.user,
        Assignment.objects.select_related("region", "parent__region"),
        region="region",
        roles=STAFF,
        pk=pk,
    )


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _fetch(request, pk)
    scope = require_role(request.user, *STAFF)
    standing = queries.assignment_standing(assignment)
    mine = _own_region(scope, assignment.region_id) is not None and assignment.parent_id is not None
    split_form = report_form = None
    if mine and not standing.done:
        below = queries.recipient_choices(assignment.region).exclude(
            pk__in=assignment.children.values_list("region_id", flat=True)
        )
        if assignment.may_split and not assignment.reported_at and assignment.region.level in ISSUING_LEVELS:
            split_form = SplitForm(recipients=below)
        if not assignment.is_detected and not standing.children:
            report_form = ReportForm()
    return render(
        request,
        "linkage/detail.html",
        {
            "a": assignment,
            "s": standing,
            "mine": mine,
            "split_form": split_form,
            "report_form": report_form,
            "records": queries.record_times(assignment)
            if assignment.is_detected and not standing.children
            else [],
        },
    )


def _post(request, assignment: Assignment, form, call, ok: str) -> HttpResponse:
    """Run one write for the task's own recipient and go back to the task page with what happened."""
    scope = require_role(request.user, *STAFF)
    if _own_region(scope, assignment.region_id) is None:
        raise Http404
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except LinkageError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, ok)
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("linkage:detail", pk=assignment.pk)


@login_required
@require_POST
def assignment_split(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _fetch(request, pk)
    form = SplitForm(request.POST, recipients=queries.recipient_choices(assignment.region))
    return _post(
        request,
        assignment,
        form,
        lambda d: services.assignment_split(
            assignment=assignment, recipients=list(d["recipients"]), actor=request.user
        ),
        _("已继续下派。"),
    )


@login_required
@require_POST
def assignment_report(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _fetch(request, pk)
    form = ReportForm(request.POST, request.FILES)
    return _post(
        request,
        assignment,
        form,
        lambda d: services.assignment_report(
            assignment=assignment, actor=request.user, note=d["note"], number=d["number"], file=d["file"]
        ),
        _("已报送完成情况。"),
    )


@login_required
def assignment_file(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _fetch(request, pk)
    if not assignment.report_file:
        raise Http404
    return FileResponse(assignment.report_file.open("rb"), as_attachment=True)
