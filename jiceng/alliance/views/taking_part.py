"""Members' side of the meetings: my invitations, answering one, proposing an agenda item."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jiceng.alliance import services, tokens
from jiceng.alliance.errors import AllianceError
from jiceng.alliance.forms import AgendaProposeForm, ReplyForm
from jiceng.alliance.queries.taking_part import (
    invitation_get_mine,
    invitation_list_mine,
    resolution_list_for_member,
)
from jiceng.core.models import Role
from jiceng.core.scope import require_role

MEMBERS = (Role.UNIT_OPERATOR, Role.COMMUNITY_WORKER)


def _mine(request, pk):
    require_role(request.user, *MEMBERS)
    invitation = invitation_get_mine(request.user, pk)
    if invitation is None:
        raise Http404
    return invitation


@login_required
def my_meetings(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *MEMBERS)
    return render(
        request, "alliance/my_meetings.html", {"invitations": invitation_list_mine(request.user)[:100]}
    )


@login_required
def invitation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _mine(request, pk)
    meeting = invitation.meeting
    return render(
        request,
        "alliance/invitation.html",
        {
            "i": invitation,
            "meeting": meeting,
            "agenda": meeting.agenda.select_related("proposer__organization").prefetch_related("resolutions"),
            "resolutions": resolution_list_for_member(invitation),
            # The answer already given is preselected, so the form agrees with the line above it.
            "reply_form": ReplyForm(
                initial={"reply": invitation.reply or None, "reason": invitation.reply_reason}
            )
            if meeting.is_pending
            else None,
            "propose_form": AgendaProposeForm() if meeting.is_pending else None,
            "on_the_day": timezone.localdate(meeting.scheduled_at) == timezone.localdate(),
        },
    )


def _post(request, invitation, form, call, ok: str) -> HttpResponse:
    """Run one write of the member and go back to the invitation page with what happened."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except AllianceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, ok)
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("alliance:invitation", pk=invitation.pk)


@login_required
@require_POST
def invitation_reply(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _mine(request, pk)
    return _post(
        request,
        invitation,
        ReplyForm(request.POST),
        lambda d: services.invitation_reply(
            invitation=invitation, coming=d["reply"] == "coming", reason=d["reason"], actor=request.user
        ),
        _("已答复。"),
    )


@login_required
@require_POST
def agenda_propose(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _mine(request, pk)
    return _post(
        request,
        invitation,
        AgendaProposeForm(request.POST),
        lambda d: services.agenda_propose(
            invitation=invitation, title=d["title"], notes=d["notes"], actor=request.user
        ),
        _("议题已提交，会议组织方会列入议程。"),
    )


@never_cache
@login_required
def meeting_checkin(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """Where the meeting's on-site QR code leads: the invited member confirms it is here."""
    require_role(request.user, *MEMBERS)
    mine = list(invitation_list_mine(request.user).filter(meeting_id=pk))
    if not mine:
        raise Http404
    meeting = mine[0].meeting
    error, status = None, 200
    if all(i.checked_in_at for i in mine):
        pass  # already here: the page says since when, whatever code was scanned again
    elif request.method == "POST":
        try:
            mine = services.meeting_check_in(
                meeting=meeting, invitations=mine, token=token, actor=request.user
            )
        except AllianceError as exc:
            error, status = str(exc), 400
    else:
        try:  # say at once, not after the tap, that the code is stale
            tokens.verify_token(meeting, token)
        except AllianceError as exc:
            error, status = str(exc), 400
    return render(
        request,
        "alliance/meeting_checkin.html",
        {"meeting": meeting, "mine": mine, "error": error, "token": token},
        status=status,
    )
