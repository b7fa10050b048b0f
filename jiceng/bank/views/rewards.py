"""Rewards (the Moral Alliance): residents redeem, partners publish and collect, subdistricts approve."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.bank import exports
from jiceng.bank.errors import RewardError
from jiceng.bank.forms import ApplyForm, DecideForm, RewardForm
from jiceng.bank.models import AlliancePartner, PartnerState, Redemption, RedemptionState, Reward
from jiceng.bank.queries.rewards import (
    normalise_code,
    organization_list_operated,
    partner_get_for,
    partner_list_for_review,
    partner_month_list,
    redemption_count_pending,
    redemption_count_taken,
    redemption_get_by_code,
    redemption_list_collected,
    redemption_list_of,
    redemption_list_of_partner,
    reward_list_near,
    reward_list_of_partner,
    reward_list_open_to,
)
from jiceng.bank.queries.wallets import wallet_get
from jiceng.bank.services import rewards as services
from jiceng.bank.views import resident_or_404
from jiceng.core.models import Role
from jiceng.core.once import Once, once_post
from jiceng.core.qr import qr_svg as core_qr_svg
from jiceng.core.scope import get_scoped_or_404, require_role
from jiceng.core.sheets import xlsx_response

ADMINS = (Role.SUBDISTRICT_ADMIN, Role.DISTRICT_ADMIN)
OTHERS_SHOWN = 20  # rewards of other subdistricts listed before "show all": a short page for elderly readers


# ---------------------------------------------------------------- helpers


def _org_and_partner(request: HttpRequest):
    """The operator's organisation (several: chosen with ?org=, remembered) and its partner row."""
    require_role(request.user, Role.UNIT_OPERATOR)
    orgs = organization_list_operated(request.user)
    wanted = str(request.GET.get("org") or request.session.get("partner_org") or "")
    org = next((o for o in orgs if str(o.pk) == wanted), orgs[0] if orgs else None)
    if org is not None:
        request.session["partner_org"] = org.pk
    return org, partner_get_for(org), orgs


def _approved(request: HttpRequest) -> AlliancePartner:
    _org, partner, _orgs = _org_and_partner(request)
    if partner is None or partner.state != PartnerState.APPROVED:
        raise Http404
    return partner


def qr_svg(request: HttpRequest, code: str) -> str:
    """The voucher's QR: the partner's confirm page with the code filled in, so any phone camera works."""
    url = request.build_absolute_uri(reverse("bank:partner_scan") + f"?code={code}")
    label = _("兑换券二维码，券码 %(code)s") % {"code": code}
    return core_qr_svg(url, label=label, scale=4, border=4)


def _month(raw: str | None) -> dt.date | None:
    try:
        return dt.datetime.strptime(raw or "", "%Y-%m").date()
    except ValueError:
        return None


# ---------------------------------------------------------------- residents


@login_required
def reward_list(request: HttpRequest) -> HttpResponse:
    person = resident_or_404(request)
    rows = reward_list_near(person)
    others = [r for r in rows if r.local]
    shown = others if request.GET.get("all") else others[:OTHERS_SHOWN]
    return render(
        request,
        "bank/rewards/rewards.html",
        {
            "local": [r for r in rows if not r.local],
            "others": shown,
            "hidden": len(others) - len(shown),
            "wallet": wallet_get(person),
            "person": person,
        },
    )


@login_required
def reward_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = resident_or_404(request)
    reward = get_object_or_404(reward_list_open_to(person), pk=pk)
    return render(
        request,
        "bank/rewards/reward.html",
        {
            "reward": reward,
            "wallet": wallet_get(person),
            "today": timezone.localdate(),
            "limit_reached": redemption_count_taken(person, reward) >= reward.per_person_limit,
        },
    )


@login_required
def reward_redeem(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation step first: an elderly resident sees exactly what happens before points move."""
    person = resident_or_404(request)
    reward = get_object_or_404(reward_list_open_to(person), pk=pk)
    error = None
    if request.method == "POST":
        once = Once(request)
        if again := once.replayed():
            return again
        try:
            r = services.redemption_create(person=person, reward=reward, request_id=once.token)
            messages.success(request, _("兑换成功！请到兑换地点出示这张兑换券。"))
            return once.done(redirect("bank:voucher", r.pk))
        except RewardError as exc:
            error = str(exc)
    return render(
        request,
        "bank/rewards/redeem.html",
        {
            "reward": reward,
            "wallet": wallet_get(person),
            "error": error,
            "rid": request.GET.get("rid", ""),
            "voucher_days": services.VOUCHER_DAYS,
            "limit_reached": redemption_count_taken(person, reward) >= reward.per_person_limit,
        },
    )


@login_required
def my_vouchers(request: HttpRequest) -> HttpResponse:
    person = resident_or_404(request)
    # Points of a lapsed voucher come back now, without waiting for the cron job.
    services.redemptions_expire(person=person)
    vouchers = list(redemption_list_of(person)[:50])
    for v in vouchers:
        v.qr = qr_svg(request, v.code) if v.state == RedemptionState.PENDING else ""
    return render(request, "bank/rewards/vouchers.html", {"vouchers": vouchers})


@login_required
def voucher(request: HttpRequest, pk: int) -> HttpResponse:
    person = resident_or_404(request)
    services.redemptions_expire(person=person)  # a lapsed voucher shows as expired, its points back, at once
    v = get_object_or_404(redemption_list_of(person), pk=pk)
    qr = qr_svg(request, v.code) if v.state == RedemptionState.PENDING else ""
    return render(request, "bank/rewards/voucher.html", {"v": v, "qr": qr, "now": timezone.now()})


@login_required
@require_POST
def voucher_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    person = resident_or_404(request)
    v = get_object_or_404(redemption_list_of(person), pk=pk)

    def run() -> str:
        services.redemption_cancel(redemption=v, user=request.user)
        return _("已取消，%(p)d 分已退回您的积分账户。") % {"p": v.points}

    confirm = {
        "title": _("取消兑换"),
        "message": _("取消后兑换券作废，%(p)d 分退回您的账户。") % {"p": v.points},
        "button": _("确认取消兑换"),
    }
    return once_post(request, redirect("bank:voucher", v.pk), run, refusals=(RewardError,), confirm=confirm)


# ---------------------------------------------------------------- partners


@login_required
def partner_home(request: HttpRequest) -> HttpResponse:
    """Apply to join; once approved, the list of rewards the unit publishes."""
    org, partner, orgs = _org_and_partner(request)
    form = ApplyForm(request.POST or None, organization=org)
    error = None
    if request.method == "POST" and org is not None and form.is_valid():
        try:
            services.partner_apply(user=request.user, organization=org, request=request, **form.cleaned_data)
            messages.success(request, _("申请已提交，街道审批后就可以发布兑换物品。"))
            return redirect("bank:partner_home")
        except RewardError as exc:
            error = str(exc)
    return render(
        request,
        "bank/rewards/partner_home.html",
        {
            "org": org,
            "orgs": orgs,
            "partner": partner,
            "form": form,
            "error": error,
            "rewards": reward_list_of_partner(partner),
            "pending": redemption_count_pending(partner),
        },
    )


@login_required
def reward_create(request: HttpRequest) -> HttpResponse:
    partner = _approved(request)
    today = timezone.localdate()
    initial = {
        "place": partner.address,
        "valid_from": today,
        "valid_to": today + dt.timedelta(days=90),
        "per_person_limit": 1,
        "is_active": True,
    }
    form = RewardForm(request.POST or None, initial=initial)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.reward_create(user=request.user, partner=partner, request=request, **form.cleaned_data)
            messages.success(request, _("已发布，居民现在就能看到。"))
            return redirect("bank:partner_home")
        except RewardError as exc:
            error = str(exc)
    return render(request, "bank/rewards/reward_form.html", {"form": form, "error": error, "reward": None})


@login_required
def reward_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _approved(request)
    reward = get_scoped_or_404(
        request.user,
        Reward.objects.select_related("partner"),
        org="partner__organization",
        roles=[Role.UNIT_OPERATOR],
        pk=pk,
    )
    form = RewardForm(request.POST or None, instance=Reward.objects.get(pk=reward.pk))
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.reward_update(user=request.user, reward=reward, request=request, **form.cleaned_data)
            messages.success(request, _("已保存。"))
            return redirect("bank:partner_home")
        except RewardError as exc:
            error = str(exc)
    return render(request, "bank/rewards/reward_form.html", {"form": form, "error": error, "reward": reward})


@login_required
def partner_scan(request: HttpRequest) -> HttpResponse:
    """Type (or scan into the box) a voucher code, check it, then confirm the hand-over."""
    _org, partner, _orgs = _org_and_partner(request)
    code = normalise_code(request.POST.get("code") or request.GET.get("code") or "")
    found, error = None, None
    if partner is not None and partner.state in (PartnerState.APPROVED, PartnerState.SUSPENDED) and code:
        try:
            if request.method == "POST":
                once = Once(request)
                if again := once.replayed():
                    return again
                services.redemption_collect(user=request.user, partner=partner, code=code)
                messages.success(request, _("核销成功：兑换码 %(c)s 已领取。") % {"c": code})
                return once.done(redirect(reverse("bank:partner_scan") + f"?code={code}"))
            services.redemptions_expire(partner=partner)  # a lapsed voucher shows as expired at once
            found = redemption_get_by_code(partner=partner, code=code)
        except RewardError as exc:
            error = str(exc)
    return render(
        request,
        "bank/rewards/scan.html",
        {"partner": partner, "code": code, "found": found, "error": error, "now": timezone.now()},
    )


@login_required
def partner_redemptions(request: HttpRequest) -> HttpResponse:
    _org, partner, _orgs = _org_and_partner(request)
    if partner is not None:
        services.redemptions_expire(partner=partner)  # lapsed vouchers show as expired, points back at once
    state = request.GET.get("state", "")
    return render(
        request,
        "bank/rewards/redemptions.html",
        {
            "partner": partner,
            "rows": redemption_list_of_partner(partner, state),
            "state": state,
            "states": RedemptionState.choices,
        },
    )


@login_required
@require_POST
def partner_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _approved(request)
    r = get_scoped_or_404(
        request.user, Redemption.objects.all(), org="partner__organization", roles=[Role.UNIT_OPERATOR], pk=pk
    )

    def run() -> str:
        services.redemption_cancel(redemption=r, user=request.user)
        return _("已取消兑换码 %(c)s，积分已退回居民。") % {"c": r.code}

    confirm = {
        "title": _("取消兑换券"),
        "message": _("取消兑换码 %(c)s 后，居民不能再凭它领取，%(p)d 分退回居民。")
        % {"c": r.code, "p": r.points},
        "button": _("确认取消"),
    }
    back = redirect("bank:partner_redemptions")
    return once_post(request, back, run, refusals=(RewardError,), confirm=confirm)


@login_required
def partner_statement(request: HttpRequest) -> HttpResponse:
    _org, partner, _orgs = _org_and_partner(request)
    months = partner_month_list(partner) if partner else []
    month = _month(request.GET.get("month")) or (months[0]["month"] if months else None)
    rows = redemption_list_collected(partner, month) if partner and month else []
    return render(
        request,
        "bank/rewards/statement.html",
        {
            "partner": partner,
            "months": months,
            "month": month,
            "rows": rows,
            "total": sum(r.points for r in rows),
        },
    )


@login_required
def partner_statement_xlsx(request: HttpRequest) -> HttpResponse:
    _org, partner, _orgs = _org_and_partner(request)
    if partner is None:
        raise Http404
    month = _month(request.GET.get("month"))
    label = f"{month:%Y%m}" if month else "all"
    return xlsx_response(
        request,
        filename=f"statement-{partner.pk}-{label}",
        sheets=exports.statement_sheets(partner, month),
        action="alliance.statement_export",
        target=partner,
    )


# ---------------------------------------------------------------- subdistrict and district


@login_required
def partner_review(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    waiting, others = partner_list_for_review(request.user, ADMINS)
    return render(request, "bank/rewards/partners.html", {"waiting": waiting, "others": others})


@login_required
@require_POST
def partner_decide(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_scoped_or_404(
        request.user,
        AlliancePartner.objects.select_related("subdistrict", "organization"),
        region="subdistrict",
        roles=ADMINS,
        pk=pk,
    )
    form = DecideForm(request.POST)
    try:
        if not form.is_valid():
            raise RewardError(_("请选择审批结果"))
        services.partner_decide(user=request.user, partner=partner, request=request, **form.cleaned_data)
        messages.success(request, _("已处理：%(o)s") % {"o": partner.organization.name})
    except RewardError as exc:
        messages.error(request, str(exc))
    return redirect("bank:partner_review")


@login_required
@require_POST
def partner_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    """The partner's subdistrict lets it publish rewards again after a suspension for a low honour rate."""
    partner = get_scoped_or_404(
        request.user,
        AlliancePartner.objects.select_related("subdistrict", "organization"),
        region="subdistrict",
        roles=ADMINS,
        pk=pk,
    )
    try:
        services.partner_rewards_reinstate(partner=partner, by=request.user)
        messages.success(request, _("已恢复发布兑换物品：%(o)s") % {"o": partner.organization.name})
    except RewardError as exc:
        messages.error(request, str(exc))
    return redirect("bank:partner_review")
