"""The public log of a district's ledger, and a resident's own points with proofs to download."""

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from jiceng.bank import log
from jiceng.bank.models import Checkpoint
from jiceng.bank.queries.wallets import entry_ids_in_log, entry_list, entry_list_recent, wallet_get
from jiceng.core.models import Role
from jiceng.core.scope import require_role, scope_for
from jiceng.core.validators import positive_id
from jiceng.regions.models import Level, Region


def _district(code: str) -> Region:
    return get_object_or_404(Region, code=code, level=Level.DISTRICT)


def log_page(request: HttpRequest, code: str) -> HttpResponse:
    """Public: "were my points altered?", checked in the browser by a resident of this district;
    below it, for auditors, the signed checkpoints to compare and keep."""
    district = _district(code)
    page = Paginator(Checkpoint.objects.filter(district=district).order_by("-size"), 20).get_page(
        request.GET.get("page")
    )
    wallet = _own_wallet(request)
    return render(
        request,
        "bank/log.html",
        {
            "district": district,
            "page": page,
            "verifier_key": log.verifier_key(),
            "can_check": wallet is not None and wallet.district_id == district.pk,
            "own_district": Region.objects.filter(pk=wallet.district_id).first() if wallet else None,
        },
    )


def _own_wallet(request: HttpRequest):
    user = request.user
    if not user.is_authenticated or user.person_id is None or not scope_for(user).has(Role.RESIDENT):
        return None
    return wallet_get(user.person)


@login_required
def my_proofs(request: HttpRequest) -> HttpResponse:
    """The resident's own logged transfers with their inclusion proofs and the signed checkpoint,
    which the ledger page verifies in the browser."""
    require_role(request.user, Role.RESIDENT)
    wallet = _own_wallet(request)
    if wallet is None:
        return JsonResponse({"error": _("您还没有积分账户，做了好事申报积分后就会有。")}, status=404)
    return JsonResponse(log.account_proofs(wallet))


def consistency_proof(request: HttpRequest, code: str) -> HttpResponse:
    """Public: proof that checkpoint `new` extends checkpoint `old` without rewriting it."""
    district = _district(code)
    try:
        old_size, new_size = int(request.GET["old"]), int(request.GET["new"])
    except (KeyError, ValueError):
        return JsonResponse(
            {"error": _("请用 ?old=<检查点条数>&new=<检查点条数> 指定两个检查点")}, status=400
        )
    old = Checkpoint.objects.filter(district=district, size=old_size).first()
    new = Checkpoint.objects.filter(district=district, size=new_size).first()
    if old is None or new is None or old_size > new_size:
        return JsonResponse({"error": _("找不到这两个检查点，或旧检查点大于新检查点")}, status=404)
    bundle = log.consistency_bundle(district, old, new)
    return _download(bundle, f"consistency-{old_size}-{new_size}.json")


def _download(bundle: dict, filename: str) -> HttpResponse:
    response = HttpResponse(json.dumps(bundle, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# a phone screen's worth of entries; older ones a tap away (`?before=<id>`, newest first)
ENTRIES_PER_PAGE = 20


@login_required
def my_points(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.RESIDENT)
    wallet = wallet_get(request.user.person)
    before = positive_id(request.GET.get("before"))
    entries = entry_list_recent(wallet, ENTRIES_PER_PAGE + 1, before) if wallet else []
    older = entries[ENTRIES_PER_PAGE - 1].pk if len(entries) > ENTRIES_PER_PAGE else None
    entries = entries[:ENTRIES_PER_PAGE]
    logged = entry_ids_in_log(wallet, entries)
    context = {"wallet": wallet, "entries": entries, "logged": logged, "older": older, "before": before}
    return render(request, "bank/my_points.html", context)


@login_required
def my_proof(request: HttpRequest, pk: int) -> HttpResponse:
    """A resident's own transfer, with its inclusion proof, as a JSON file to verify anywhere."""
    require_role(request.user, Role.RESIDENT)
    wallet = wallet_get(request.user.person)
    if wallet is None:
        raise Http404
    t = get_object_or_404(entry_list(wallet), pk=pk)
    try:
        bundle = log.inclusion_bundle(t)
    except LookupError:
        return render(request, "bank/not_yet_logged.html", {"transfer": t}, status=409)
    return _download(bundle, f"proof-{t.pk}.json")
