"""Claims, review, the notice board and objections, and earning rules."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.bank.forms import ClaimForm, ReasonForm, RuleForm
from jiceng.bank.models import (
    ClaimState,
    DeedClaim,
    EarningRule,
    Notice,
    NoticeState,
    Objection,
    ObjectionState,
)
from jiceng.bank.services import claims as svc
from jiceng.core.models import Role
from jiceng.core.scope import get_scoped_or_404, require_role, scope_for, scoped
from jiceng.people.models import Person
from jiceng.regions.models import Level, Region, prefix_range

STAFF = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN, Role.COMMUNITY_WORKER)


def _claim_input(form: ClaimForm, claimant: Person, diary_entry=None) -> svc.ClaimInput:
    d = form.cleaned_data
    return svc.ClaimInput(
        claimant=claimant,
        rule=d["rule"],
        deed_date=d["deed_date"],
        text=d["text"],
        minutes=d["minutes"],
        witness=d["witness"],
        photos=tuple(d["photos"]),
        diary_entry=diary_entry,
    )


def _file(request, form: ClaimForm, claimant: Person, success_url: str):
    try:
        svc.claim_file(filer=request.user, data=_claim_input(form, claimant))
    except svc.ClaimError as exc:
        form.add_error(None, str(exc))
        return None
    messages.success(
        request, _("申报已提交，社区审核通过后会在公示栏公示 %(d)d 天。") % {"d": svc.notice_days()}
    )
    return redirect(success_url)


def _me(request) -> Person:
    require_role(request.user, Role.RESIDENT)
    if request.user.person is None:
        raise Http404
    return request.user.person


@login_required
def claim_new(request: HttpRequest) -> HttpResponse:
    person = _me(request)
    form = ClaimForm(request.POST or None, request.FILES or None, rules=svc.rules_for(person.community))
    if (
        request.method == "POST"
        and form.is_valid()
        and (done := _file(request, form, person, "bank:my_claims"))
    ):
        return done
    return render(request, "bank/claims/new.html", {"form": form, "for_person": None})


@login_required
def witness_claim(request: HttpRequest) -> HttpResponse:
    """A witness puts forward someone else's good deed, found by their phone number."""
    me = _me(request)
    phone = (request.GET.get("phone") or request.POST.get("phone") or "").strip()
    person = None
    if phone:
        # Neighbours of the same subdistrict only, so the form can't probe the whole district's numbers.
        person = (
            Person.objects.filter(
                prefix_range(me.community.code[:9], "community__code"), phone=phone, is_active=True
            )
            .exclude(pk=me.pk)
            .first()
        )
    form = ClaimForm(
        request.POST or None, request.FILES or None, rules=svc.rules_for(person.community) if person else None
    )
    form.fields["witness"].required = False
    if (
        person
        and request.method == "POST"
        and form.is_valid()
        and (done := _file(request, form, person, "bank:my_claims"))
    ):
        return done
    return render(
        request,
        "bank/claims/witness.html",
        {"form": form, "for_person": person, "phone": phone, "not_found": bool(phone) and person is None},
    )


@login_required
def my_claims(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.RESIDENT)
    claims = DeedClaim.objects.filter(
        Q(claimant=request.user.person) | Q(filed_by=request.user)
    ).select_related("rule", "notice", "claimant")[:100]
    return render(request, "bank/claims/mine.html", {"claims": claims})


@login_required
def office_claim(request: HttpRequest) -> HttpResponse:
    """Office mode: a community worker files for a resident without a phone."""
    require_role(request.user, Role.COMMUNITY_WORKER)
    people = scoped(
        request.user, Person.objects.filter(is_active=True), region="community", roles=[Role.COMMUNITY_WORKER]
    )
    q = request.GET.get("q", "").strip()
    person = None
    if request.GET.get("person") or request.POST.get("person"):
        person = get_scoped_or_404(
            request.user,
            Person.objects.all(),
            region="community",
            roles=[Role.COMMUNITY_WORKER],
            pk=request.GET.get("person") or request.POST.get("person"),
        )
    form = ClaimForm(
        request.POST or None, request.FILES or None, rules=svc.rules_for(person.community) if person else None
    )
    if (
        person
        and request.method == "POST"
        and form.is_valid()
        and (done := _file(request, form, person, "bank:review"))
    ):
        return done
    matches = people.filter(name__contains=q)[:20] if q else []
    return render(
        request, "bank/claims/office.html", {"form": form, "for_person": person, "q": q, "matches": matches}
    )


def _queue(user):
    return scoped(
        user,
        DeedClaim.objects.filter(state__in=[ClaimState.SUBMITTED, ClaimState.UNDER_REVIEW]),
        region="community",
        roles=[Role.COMMUNITY_WORKER],
    )


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.COMMUNITY_WORKER)
    claims = list(
        _queue(request.user)
        .select_related("claimant", "rule", "diary_entry", "filed_by")
        .prefetch_related("photos", "reviews__reviewer")
        .order_by("created_at")[:200]
    )
    for c in claims:
        c.refusal = svc.can_review(request.user, c)
    return render(request, "bank/claims/review.html", {"claims": claims})


@login_required
@require_POST
def review_decide(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.COMMUNITY_WORKER)
    ids = request.POST.getlist("claim")
    approve = request.POST.get("decision") == "approve"
    claims = list(
        _queue(request.user).filter(pk__in=[i for i in ids if i.isdigit()]).select_related("claimant")
    )
    if not claims:
        messages.warning(request, _("请先勾选要审核的申报"))
        return redirect("bank:review")
    done, refused = svc.claims_review_bulk(
        reviewer=request.user, claims=claims, approve=approve, reason=request.POST.get("reason", "")
    )
    if done:
        messages.success(
            request, (_("已通过 %(n)d 条，进入公示") if approve else _("已退回 %(n)d 条")) % {"n": done}
        )
    for line in refused:
        messages.error(request, line)
    return redirect("bank:review")


def _board_region(request, code: str) -> Region:
    """Notice boards are open to everyone of the same district; names on them are masked."""
    region = Region.objects.filter(
        code=code, level__in=[Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY]
    ).first()
    scope = scope_for(request.user)
    person = request.user.person
    district_codes = {r.district_code for r in scope.regions if r.district_code}
    if person is not None:
        district_codes.add(person.community.district_code)
    if region is None or region.district_code not in district_codes:
        raise Http404
    return region


@login_required
def my_board(request: HttpRequest) -> HttpResponse:
    """The board of the user's own community (residents) or region (staff)."""
    person = request.user.person
    region = scope_for(request.user).primary_region or (person.community if person else None)
    if scope_for(request.user).primary_role == Role.RESIDENT and person is not None:
        region = person.community
    if region is None:
        raise Http404
    return redirect("bank:notices", code=region.code)


@login_required
def notice_board(request: HttpRequest, code: str) -> HttpResponse:
    region = _board_region(request, code)
    notices = (
        Notice.objects.filter(prefix_range(region.prefix, "community__code"))
        .select_related("community")
        .prefetch_related("objections")
        .order_by("-starts_at")[:100]
    )
    can_decide = scope_for(request.user).has(Role.COMMUNITY_WORKER)
    mine = {r.pk for r in scope_for(request.user).regions}
    return render(
        request,
        "bank/notices/board.html",
        {
            "region": region,
            "notices": notices,
            "reason_form": ReasonForm(),
            "can_decide": can_decide,
            "my_regions": mine,
            "open": NoticeState.OPEN,
        },
    )


@login_required
@require_POST
def notice_object(request: HttpRequest, pk: int) -> HttpResponse:
    notice = Notice.objects.select_related("community").filter(pk=pk).first()
    region = _board_region(request, notice.community.code if notice else "-")
    try:
        svc.objection_file(user=request.user, notice=notice, reason=request.POST.get("reason", ""))
        messages.success(request, _("异议已提交，社区会核实并在公示栏公布处理结果。"))
    except svc.ClaimError as exc:
        messages.error(request, str(exc))
    return redirect("bank:notices", code=region.code)


@login_required
@require_POST
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, Role.COMMUNITY_WORKER)
    objection = get_scoped_or_404(
        request.user,
        Objection.objects.select_related("notice__community"),
        region="notice__community",
        roles=[Role.COMMUNITY_WORKER],
        pk=pk,
        state=ObjectionState.OPEN,
    )
    try:
        svc.objection_decide(
            reviewer=request.user,
            objection=objection,
            uphold=request.POST.get("uphold") == "1",
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("异议已处理，结果已在公示栏公布。"))
    except svc.ClaimError as exc:
        messages.error(request, str(exc))
    return redirect("bank:notices", code=objection.notice.community.code)


@login_required
def rules_list(request: HttpRequest) -> HttpResponse:
    scope = require_role(request.user, *STAFF)
    region = scope.primary_region
    if region.level == Level.COMMUNITY:
        rules = svc.rules_for(region)
    else:
        rules = EarningRule.objects.filter(district__code=region.district_code, is_current=True).filter(
            prefix_range(region.prefix, "subdistrict__code") | Q(subdistrict__isnull=True)
        )
    can_edit = scope.has(Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN)
    return render(request, "bank/rules/list.html", {"rules": rules, "can_edit": can_edit})


def _rule_scope(request):
    scope = require_role(request.user, Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN)
    region = scope.primary_region
    district = Region.objects.get(code=region.district_code)
    subdistrict = region if region.level == Level.SUBDISTRICT else None
    return district, subdistrict


@login_required
def rule_new(request: HttpRequest) -> HttpResponse:
    district, subdistrict = _rule_scope(request)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("code")
        try:
            svc.rule_create(actor=request.user, district=district, subdistrict=subdistrict, code=code, **data)
            return redirect("bank:rules")
        except (svc.ClaimError, ValidationError) as exc:
            form.add_error(None, str(exc))
    return render(request, "bank/rules/form.html", {"form": form, "subdistrict": subdistrict})


@login_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district, subdistrict = _rule_scope(request)
    qs = EarningRule.objects.filter(district=district, is_current=True)
    qs = qs.filter(subdistrict=subdistrict) if subdistrict else qs.filter(subdistrict__isnull=True)
    rule = get_object_or_404(qs, pk=pk)  # qs is already the admin's own district or subdistrict
    initial = {f: getattr(rule, f) for f in svc.RULE_FIELDS} | {"code": rule.code}
    form = RuleForm(request.POST or None, initial=initial)
    form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "code"}
        try:
            svc.rule_edit(actor=request.user, rule=rule, **data)
            messages.success(request, _("已保存为新版本；已经发放的积分不受影响。"))
            return redirect("bank:rules")
        except svc.ClaimError as exc:
            form.add_error(None, str(exc))
    return render(request, "bank/rules/form.html", {"form": form, "rule": rule, "subdistrict": subdistrict})
