"""Earning rules: staff read them; district and subdistrict administrators add and edit them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from jiceng.bank.errors import ClaimError
from jiceng.bank.forms import RuleForm
from jiceng.bank.queries.rules import rule_list_editable, rule_list_for_staff
from jiceng.bank.services import rules as services
from jiceng.charters.models import Charter
from jiceng.charters.queries.charter import charter_list_current_in
from jiceng.core.models import Role
from jiceng.core.scope import require_role
from jiceng.regions.models import Level, Region

STAFF = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN, Role.COMMUNITY_WORKER)


@login_required
def rules_list(request: HttpRequest) -> HttpResponse:
    scope = require_role(request.user, *STAFF)
    rules = rule_list_for_staff(scope.primary_region)
    can_edit = scope.has(Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN)
    return render(request, "bank/rules/list.html", {"rules": rules, "can_edit": can_edit})


def _rule_scope(request):
    """The administrator's district, and their subdistrict (None for the district's own rules)."""
    scope = require_role(request.user, Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN)
    region = scope.primary_region
    district = Region.objects.get(code=region.district_code)
    subdistrict = region if region.level == Level.SUBDISTRICT else None
    return district, subdistrict


@login_required
def rule_new(request: HttpRequest) -> HttpResponse:
    district, subdistrict = _rule_scope(request)
    form = RuleForm(request.POST or None, charters=charter_list_current_in(subdistrict or district))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("code")
        try:
            services.rule_create(
                actor=request.user, district=district, subdistrict=subdistrict, code=code, **data
            )
            return redirect("bank:rules")
        except (ClaimError, ValidationError) as exc:
            form.add_error(None, str(exc))
    return render(request, "bank/rules/form.html", {"form": form, "subdistrict": subdistrict})


@login_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district, subdistrict = _rule_scope(request)
    rule = get_object_or_404(rule_list_editable(district, subdistrict), pk=pk)  # the admin's own rules only
    initial = {f: getattr(rule, f) for f in services.RULE_FIELDS} | {"code": rule.code}
    charters = charter_list_current_in(subdistrict or district) | Charter.objects.filter(pk=rule.charter_id)
    form = RuleForm(request.POST or None, initial=initial, charters=charters.distinct())
    form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "code"}
        try:
            services.rule_edit(actor=request.user, rule=rule, **data)
            messages.success(request, _("已保存为新版本；已经发放的积分不受影响。"))
            return redirect("bank:rules")
        except ClaimError as exc:
            form.add_error(None, str(exc))
    return render(request, "bank/rules/form.html", {"form": form, "rule": rule, "subdistrict": subdistrict})
