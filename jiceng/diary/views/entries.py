"""A resident's diary: the list of their own entries, writing one, and claiming points for one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from jiceng.bank.errors import ClaimError
from jiceng.bank.queries.notices import claim_preview, notice_days
from jiceng.bank.queries.rules import rule_list_for
from jiceng.bank.services.claims import claim_file_from_diary
from jiceng.core.models import Role
from jiceng.core.scope import require_role
from jiceng.diary.errors import DiaryError
from jiceng.diary.forms import DiaryClaimForm, DiaryForm
from jiceng.diary.queries.entries import diary_entry_list_mine
from jiceng.diary.services.entries import diary_entry_create


def _mine(request):
    require_role(request.user, Role.RESIDENT)
    return diary_entry_list_mine(request.user)


@login_required
def diary_list(request: HttpRequest) -> HttpResponse:
    entries = _mine(request).prefetch_related("photos", "claims")[:100]
    return render(request, "diary/list.html", {"entries": entries})


@login_required
def diary_new(request: HttpRequest) -> HttpResponse:
    _mine(request)
    form = DiaryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            diary_entry_create(person=request.user.person, **form.cleaned_data)
            messages.success(request, _("日记已保存。想申报积分，点日记下面的“申报积分”。"))
            return redirect("diary:list")
        except DiaryError as exc:
            form.add_error(None, str(exc))
    return render(request, "diary/new.html", {"form": form})


@login_required
def diary_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """Second tap: the entry is the evidence; pick the rule, see what the board will show, submit."""
    entry = get_object_or_404(_mine(request).select_related("person__community"), pk=pk)
    rules = rule_list_for(entry.person.community, entry.date)
    form = DiaryClaimForm(request.POST or None, entry=entry, rules=rules)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            claim_file_from_diary(
                filer=request.user,
                entry=entry,
                rule=d["rule"],
                minutes=d["minutes"],
                witness=d["witness"],
                text_public=d["text_public"],
            )
            days = notice_days()
            messages.success(request, _("申报已提交，社区审核通过后会在公示栏公示 %(d)d 天。") % {"d": days})
            return redirect("bank:my_claims")
        except ClaimError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "diary/claim.html",
        {
            "entry": entry,
            "form": form,
            "preview": claim_preview(form=form, claimant=entry.person, text=entry.text),
        },
    )
