from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from jiceng.bank.forms import ClaimForm, DiaryForm
from jiceng.bank.services.claims import ClaimError, notice_days, rules_for
from jiceng.core.models import Role
from jiceng.core.scope import require_role
from jiceng.diary import services
from jiceng.diary.models import DiaryEntry


def _mine(request):
    require_role(request.user, Role.RESIDENT)
    return DiaryEntry.objects.filter(person=request.user.person)


@login_required
def diary_list(request: HttpRequest) -> HttpResponse:
    entries = _mine(request).prefetch_related("photos", "claims")[:100]
    return render(request, "diary/list.html", {"entries": entries})


@login_required
def diary_new(request: HttpRequest) -> HttpResponse:
    _mine(request)
    form = DiaryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.diary_entry_create(
                person=request.user.person,
                date=d["date"],
                category=d["category"],
                text=d["text"],
                photos=d["photos"],
                is_shared=d["is_shared"],
            )
            messages.success(request, _("日记已保存。想申报积分，点日记下面的“申报积分”。"))
            return redirect("diary:list")
        except ClaimError as exc:
            form.add_error(None, str(exc))
    return render(request, "diary/new.html", {"form": form})


@login_required
def diary_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """Second tap: the entry is the evidence; pick the rule (preselected by category) and submit."""
    entry = get_object_or_404(_mine(request).select_related("person__community"), pk=pk)
    rules = rules_for(entry.person.community, entry.date)
    preselected = rules.filter(category=entry.category).first()
    form = ClaimForm(
        request.POST or None,
        rules=rules,
        initial={"rule": preselected, "deed_date": entry.date, "text": entry.text},
    )
    for name in ("deed_date", "text", "photos"):
        form.fields[name].required = False
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.diary_entry_claim(
                user=request.user, entry=entry, rule=d["rule"], minutes=d["minutes"], witness=d["witness"]
            )
            messages.success(
                request, _("申报已提交，社区审核通过后会在公示栏公示 %(d)d 天。") % {"d": notice_days()}
            )
            return redirect("bank:my_claims")
        except ClaimError as exc:
            form.add_error(None, str(exc))
    return render(request, "diary/claim.html", {"entry": entry, "form": form})
